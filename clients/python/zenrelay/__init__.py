"""zenrelay for Python: a service for the zenrelay IRC bot in a few lines.

    from zenrelay import Bot

    bot = Bot('woot', description='Agrees, loudly')

    @bot.command('woot', help='Agree, loudly')
    def woot(cmd):
        cmd.reply('Indeed!')

    @bot.on('join')
    def welcome(event):
        bot.reply(event, 'Welcome, %s!' % event['data']['sender'])

    bot.run()

The same ideas as the TypeScript SDK (@zenrelay/sdk): settings read like the
bot reads them (REDIS_URL, ZEN_NAMESPACE, ZEN_COMMAND_PREFIX), a registry
entry kept alive by a heartbeat so `!help` and `!services` list the service,
removed at once on a clean stop (Ctrl-C, SIGTERM, close()), and handler
failures reported on the errors channel. Only redis-py is needed.
"""

from .bot import Bot, Command, ConfigError, split_args, parse_command

__all__ = ['Bot', 'Command', 'ConfigError', 'split_args', 'parse_command']
__version__ = '0.1.0'
