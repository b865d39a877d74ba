# A zenrelay service in Python: `!cheer [who]`, and a welcome for everyone who joins.
from zenrelay import Bot

bot = Bot('cheer', description='Cheers people on')

@bot.command('cheer', usage='!cheer [who]', help='Cheer someone on (you, unless you say)')
def cheer(cmd):
    cmd.reply('Go %s, go!' % (cmd.argv[0] if cmd.argv else cmd.sender))

@bot.on('join')
def welcome(event):
    bot.reply(event, 'Welcome to %s, %s!' % (event['data']['channel'], event['data']['sender']))

bot.run()
