"""The zenrelay Python client: one Bot per service.

Protocol facts it relies on (see docs/protocol.md): every IRC event arrives on
the pub/sub channel `<ns:>in` as `{"version":1,"type":...,"data":{...}}`;
what to say goes on `<ns:>out`; a command (`!woot a b`, `zen: woot a b`, a
private `woot a b`) arrives as a `directed_privmsg` whose `message` is
`woot a b`. The service registry is one string key per service,
`<ns:>zenrelay:service:<name>`, holding a JSON record and written with an
expiry that a heartbeat keeps pushing back (clients/protocol/registry.ts).
"""

import json
import logging
import os
import re
import signal
import socket
import sys
import threading
import time
from datetime import datetime, timezone

import redis

# JavaScript's whitespace (\s, trim()), so commands split exactly as in the bot and the TypeScript SDK
JS_SPACE = '\t\n\x0b\x0c\r \xa0\u1680' + ''.join(chr(c) for c in range(0x2000, 0x200b)) + '\u2028\u2029\u202f\u205f\u3000\ufeff'
PROTOCOL_VERSION = 1
REGISTRY_VERSION = 1
SERVICE_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z')
COMMAND_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.?-]{0,31}\Z')
NAMESPACE = re.compile(r'^[A-Za-z0-9_.-]{1,64}\Z')
CHANNEL = re.compile('^[#&+!][^%s,\\x00\\x07]{1,199}\\Z' % JS_SPACE)
NICK = re.compile(r'^[A-Za-z\[\]\\`_^{|}][A-Za-z0-9\[\]\\`_^{|}-]{0,63}\Z')
INBOUND_TYPES = (
    'privmsg', 'privmsg_action', 'directed_privmsg', 'notice', 'join', 'part',
    'quit', 'kick', 'nick', 'topic', 'names', 'connected',
)
_COMMAND_TEXT = re.compile('^([^%s]+)(?:[%s]+(.*))?\\Z' % (JS_SPACE, JS_SPACE), re.S)
DEFAULT_ERROR_REPLY = 'Sorry, {command} failed (the service logged the error).'
PREVIEW_CHARS = 200
# Shortest time between two "admins only" refusals to one sender, and how many senders are remembered.
REFUSAL_EVERY_SECONDS = 60
REFUSALS_KEPT = 1000


class ConfigError(ValueError):
    """A setting that is missing or malformed; the message names the variable and says what to do."""

    def __init__(self, variable, message):
        super().__init__('%s %s' % (variable, message))
        self.variable = variable


def _integer(env, variable, default, low, high):
    raw = env.get(variable) or default
    if not re.match(r'^\d+$', raw) or not low <= int(raw) <= high:
        raise ConfigError(variable, 'must be a whole number between %d and %d (got %r)' % (low, high, raw))
    return int(raw)


def split_args(args):
    """Splits on whitespace; a "quoted" or 'quoted' part is one argument (an unclosed quote runs to the end)."""
    argv, current, in_word, quote = [], '', False, None
    for ch in args:
        if quote:
            if ch == quote:
                quote = None
            else:
                current += ch
        elif ch in '"\'':
            quote, in_word = ch, True
        elif ch in JS_SPACE:
            if in_word:
                argv.append(current)
            current, in_word = '', False
        else:
            current += ch
            in_word = True
    if in_word:
        argv.append(current)
    return argv


def parse_command(text, prefix=''):
    """`woot a b` -> ('woot', 'a b', ['a', 'b']); None when it does not start with a command name."""
    rest = text.strip(JS_SPACE)
    if prefix and rest.startswith(prefix):
        rest = rest[len(prefix):]
    match = _COMMAND_TEXT.match(rest)
    if not match or not COMMAND_NAME.match(match.group(1)):
        return None
    args = (match.group(2) or '').strip(JS_SPACE)
    return match.group(1).lower(), args, split_args(args)


def target_problem(target):
    """Why the bot would refuse to send to `target`, or None (the same rules as the bot's)."""
    if not isinstance(target, str) or target == '':
        return 'target is empty'
    if re.search(r'[\r\n\x00]', target):
        return 'target %r contains CR, LF or NUL' % target
    if CHANNEL.match(target) or NICK.match(target):
        return None
    return 'target %r is neither a channel (#name) nor a nick' % target


class Command(object):
    """What a command handler gets: the command, who said it where, and how to answer."""

    def __init__(self, bot, event, name, args, argv):
        data = event['data']
        self.bot = bot
        self.event = event
        self.name = name
        self.args = args
        self.argv = argv
        self.sender = data.get('sender', '')
        self.channel = data.get('channel', '')
        self.is_private = not CHANNEL.match(self.channel)
        # Set by the bot alone (ZEN_ADMINS); an older bot does not say, which counts as no.
        self.admin = data.get('admin') is True
        account = data.get('account')
        self.account = account if isinstance(account, str) else None

    def reply(self, text):
        """Answers where the command was said: the channel, or the sender in private."""
        return self.bot.say(self.channel, text)

    def reply_privately(self, text):
        return self.bot.say(self.sender, text)


def _default_logger(name, level):
    logger = logging.getLogger('zenrelay.%s' % name)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter('%(asctime)s %(levelname)s %(name)s: %(message)s'))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel({'trace': 'DEBUG', 'fatal': 'CRITICAL', 'silent': 'CRITICAL'}.get(level, level.upper()))
    return logger


_SECRET_PARAM = re.compile(r'pass|secret|token|auth|key|cred', re.I)


def redact_url(url):
    """A Redis URL fit for messages: user name and password, and secret-looking query values (?password=), hidden."""
    m = re.match(r'^([a-z][a-z0-9+.-]*://)?(.*)$', url, re.I | re.S)
    prefix, rest = m.group(1) or '', m.group(2)
    hidden = ''
    if '@' in rest:
        userinfo, _, rest = rest.rpartition('@')
        if re.search(r'[/?#]', userinfo):  # an unescaped / ? or # in a password: when in doubt, hide more
            return prefix + '***'
        hidden = '***@'
    base, sep, query = rest.partition('?')
    if not sep:
        return prefix + hidden + base
    params = []
    for item in query.split('&'):
        name, eq, _value = item.partition('=')
        params.append(name + '=***' if eq and _SECRET_PARAM.search(name) else item)
    return prefix + hidden + base + '?' + '&'.join(params)


def _tls_options(redis_url, env):
    """REDIS_TLS_CA, REDIS_TLS_CERT and REDIS_TLS_KEY (PEM files), like the SDK: only with rediss://."""
    ca = env.get('REDIS_TLS_CA') or None
    cert = env.get('REDIS_TLS_CERT') or None
    key = env.get('REDIS_TLS_KEY') or None
    if (cert is None) != (key is None):
        raise ConfigError('REDIS_TLS_CERT' if cert is None else 'REDIS_TLS_KEY',
                          'REDIS_TLS_CERT and REDIS_TLS_KEY go together (a client certificate and its key); set both or neither')
    if ca is None and cert is None:
        return {}
    if not redis_url.startswith('rediss://'):
        raise ConfigError('REDIS_TLS_CA' if ca is not None else 'REDIS_TLS_CERT',
                          'only applies to TLS connections, but REDIS_URL starts with redis://: use rediss:// for a Redis with TLS (or unset it)')
    for variable, path in (('REDIS_TLS_CA', ca), ('REDIS_TLS_CERT', cert), ('REDIS_TLS_KEY', key)):
        if path is not None and not os.access(path, os.R_OK):
            raise ConfigError(variable, 'cannot read %r: set it to the path of a PEM file' % path)
    options = {}
    if ca is not None:
        options['ssl_ca_certs'] = ca
    if cert is not None:
        options['ssl_certfile'] = cert
        options['ssl_keyfile'] = key
    return options


class Bot(object):
    """A zenrelay service: commands, event handlers, replies, and a registry entry.

    Settings come from the environment like the bot's (REDIS_URL, REDIS_TLS_CA,
    REDIS_TLS_CERT, REDIS_TLS_KEY, ZEN_NAMESPACE, ZEN_COMMAND_PREFIX, ZEN_SERVICE_HEARTBEAT_MS, ZEN_SERVICE_TTL_MS,
    LOG_LEVEL); keyword arguments win.
    """

    def __init__(self, name, description='', redis_url=None, namespace=None, command_prefix=None,
                 heartbeat_ms=None, ttl_ms=None, env=None, logger=None, command_error_reply=DEFAULT_ERROR_REPLY):
        env = dict(os.environ if env is None else env)
        if not isinstance(name, str) or not SERVICE_NAME.match(name):
            raise ValueError("service name %r is not valid: use 1-64 letters, digits, '_', '.' or '-'" % (name,))
        self.name = name
        self.description = description
        self.redis_url = redis_url or env.get('REDIS_URL') or 'redis://127.0.0.1:6379'
        if not re.match(r'^rediss?://', self.redis_url):
            raise ConfigError('REDIS_URL', 'must start with redis:// or rediss:// (got %r)' % redact_url(self.redis_url))
        self.namespace = env.get('ZEN_NAMESPACE', '') if namespace is None else namespace
        if self.namespace and not NAMESPACE.match(self.namespace):
            raise ConfigError('ZEN_NAMESPACE', 'must be letters, digits, `_`, `.` or `-` (at most 64)')
        self.command_prefix = command_prefix or env.get('ZEN_COMMAND_PREFIX') or '!'
        if len(self.command_prefix) > 4 or re.search(r'\s', self.command_prefix):
            raise ConfigError('ZEN_COMMAND_PREFIX', 'must be 1-4 characters without spaces')
        self.heartbeat_ms = heartbeat_ms or _integer(env, 'ZEN_SERVICE_HEARTBEAT_MS', '10000', 50, 3600000)
        self.ttl_ms = ttl_ms or _integer(env, 'ZEN_SERVICE_TTL_MS', '30000', 100, 86400000)
        if self.ttl_ms <= self.heartbeat_ms:
            raise ConfigError('ZEN_SERVICE_TTL_MS', 'must be longer than the heartbeat (%d ms), or the entry expires '
                              'between refreshes; 3x the heartbeat is a good choice' % self.heartbeat_ms)
        self.command_error_reply = command_error_reply
        self.logger = logger or _default_logger(name, env.get('LOG_LEVEL') or 'info')
        p = self.namespace + ':' if self.namespace else ''
        self.in_channel = p + 'in'
        self.out_channel = p + 'out'
        self.errors_channel = p + 'zenrelay:errors'
        self.registry_key = p + 'zenrelay:service:' + name
        self.redis = redis.Redis.from_url(self.redis_url, **_tls_options(self.redis_url, env))
        self._commands = {}  # name -> (handler, info); a plain dict, only ever indexed by validated names
        self._live = set()
        self._admin_only = set()
        self._refused = {}  # lowercased sender -> when last refused (bounded below)
        self._handlers = dict((t, []) for t in INBOUND_TYPES)
        self._started = datetime.now(timezone.utc).isoformat().replace('+00:00', 'Z')
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._running = False
        self._closed = False

    # ---- registering handlers ----

    def command(self, name, help='', usage=None, admin=False):
        """Decorator: `@bot.command('woot', help='Agree')` answers `!woot`, `<bot>: woot` and a private `woot`.

        `admin=True`: only for admins (the bot's `admin` field, from ZEN_ADMINS); anyone else
        gets one short refusal (at most one per sender a minute) and the handler is not called.
        """
        if not isinstance(name, str) or not COMMAND_NAME.match(name):
            raise ValueError("command name %r is not valid: use 1-32 letters, digits, '_', '.', '?' or '-', "
                             "without the prefix (e.g. 'woot', not '!woot')" % (name,))
        key = name.lower()
        if key in self._commands:
            raise ValueError('command %r is already registered in %s; register each command once' % (key, self.name))

        def register(handler):
            info = {'name': key, 'usage': usage or self.command_prefix + key, 'help': help}
            self._commands[key] = (handler, info)
            if admin:
                self._admin_only.add(key)
            if self._running:
                self._announce()
            return handler
        return register

    def on(self, event_type):
        """Decorator: `@bot.on('join')` calls the function with every `in` event of that type."""
        if event_type not in INBOUND_TYPES:
            raise ValueError('unknown event type %r; use one of %s' % (event_type, ', '.join(INBOUND_TYPES)))

        def register(handler):
            self._handlers[event_type].append(handler)
            return handler
        return register

    def commands(self):
        return [dict(info) for _, info in self._commands.values()]

    # ---- sending ----

    def say(self, to, text):
        return self._send('privmsg', to, text)

    def action(self, to, text):
        """A /me action."""
        return self._send('privmsg_action', to, text)

    def notice(self, to, text):
        return self._send('notice', to, text)

    def reply(self, event, text):
        """Answers where `event` was said: its channel, or the sender in a private message."""
        return self.say(event['data']['channel'], text)

    def _send(self, kind, to, text):
        targets = [to] if isinstance(to, str) else list(to)
        if not targets:
            raise ValueError('no target to send to')
        for target in targets:
            problem = target_problem(target)
            if problem:
                raise ValueError(problem)
        if not isinstance(text, str) or not re.search(r'[^\r\n\x00]', text):
            raise ValueError('message has no text to send')
        if self._closed:
            raise RuntimeError('%s is closed; make a new Bot to send' % self.name)
        envelope = {'version': PROTOCOL_VERSION, 'type': kind,
                    'data': {'to': targets[0] if len(targets) == 1 else targets, 'message': text}}
        return self.redis.publish(self.out_channel, json.dumps(envelope))

    # ---- the registry ----

    def record(self):
        """This service's registry record (clients/protocol/registry.ts)."""
        return {
            'version': REGISTRY_VERSION,
            'name': self.name,
            'description': self.description,
            'commands': self.commands(),
            'pid': os.getpid(),
            'host': socket.gethostname(),
            'started': self._started,
        }

    def _announce(self):
        with self._lock:
            if self._closed:
                return
            included = list(self._commands)
            try:
                self.redis.set(self.registry_key, json.dumps(self.record()), px=self.ttl_ms)
            except redis.RedisError as err:
                self.logger.warning('could not write the registry entry (%s); retrying at the next heartbeat', err)
                return
            new = [c for c in included if c not in self._live]
            self._live.update(included)
            if new:
                self.logger.info('service registered: %s (commands: %s)', self.name, ', '.join(sorted(self._live)))

    def _heartbeat(self):
        while not self._stop.wait(self.heartbeat_ms / 1000.0):
            self._announce()

    # ---- running ----

    def run(self, stop_on_signals=True):
        """Registers, then handles events until Ctrl-C, SIGTERM or close(); the registry entry goes at once."""
        previous = {}
        if stop_on_signals and threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                previous[sig] = signal.signal(sig, self._on_signal)
        pubsub = None
        try:
            pubsub = self._subscribe()
            self._running = True
            self._announce()
            if not self._commands:
                self.logger.info('service registered: %s (no commands)', self.name)
            beat = threading.Thread(target=self._heartbeat, name='zenrelay-heartbeat', daemon=True)
            beat.start()
            while not self._stop.is_set():
                try:
                    message = pubsub.get_message(timeout=0.5)
                except (redis.ConnectionError, redis.TimeoutError, OSError) as err:
                    self.logger.warning('lost Redis (%s); reconnecting', err)
                    pubsub = self._resubscribe(pubsub)
                    continue
                if message and message.get('type') == 'message':
                    self._deliver(message['data'])
        finally:
            self._running = False
            self._stop.set()
            self._cleanup(pubsub)
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def close(self):
        """Stops run() (from a handler or another thread); the registry entry is removed."""
        self._stop.set()
        if not self._running:
            self._cleanup(None)

    def _on_signal(self, signum, _frame):
        if self._stop.is_set():
            raise SystemExit(1)  # a second signal: stop at once
        self.logger.info('signal %d received; closing the service', signum)
        self._stop.set()

    def _subscribe(self):
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.in_channel)
        except redis.ConnectionError as err:
            raise SystemExit('cannot connect to Redis at %s: %s; start redis-server or set REDIS_URL'
                             % (redact_url(self.redis_url), err))
        self.logger.debug('subscribed to %s', self.in_channel)
        return pubsub

    def _resubscribe(self, pubsub):
        delay = 0.2
        while not self._stop.is_set():
            try:
                pubsub.close()
                fresh = self.redis.pubsub(ignore_subscribe_messages=True)
                fresh.subscribe(self.in_channel)
                self._live.clear()
                self._announce()  # Redis may have restarted without our key
                self.logger.info('Redis is back')
                return fresh
            except (redis.ConnectionError, redis.TimeoutError, OSError):
                self._stop.wait(delay)
                delay = min(delay * 2, 5.0)
        return pubsub

    def _cleanup(self, pubsub):
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self.redis.delete(self.registry_key)
                self.logger.info('service %s stopped; registry entry removed', self.name)
            except redis.RedisError as err:
                self.logger.warning('could not remove the registry entry (%s); it expires in %d ms', err, self.ttl_ms)
        try:
            if pubsub is not None:
                pubsub.close()
            self.redis.close()
        except redis.RedisError:
            pass

    # ---- dispatching ----

    def _deliver(self, payload):
        try:
            event = json.loads(payload)
        except ValueError:
            self.logger.warning('ignoring a payload on %s that is not JSON', self.in_channel)
            return
        if not isinstance(event, dict) or event.get('version') != PROTOCOL_VERSION or not isinstance(event.get('data'), dict):
            self.logger.warning('ignoring an invalid payload on %s', self.in_channel)
            return
        kind = event.get('type')
        if kind not in self._handlers:
            return  # a newer event type: not for this client
        for handler in list(self._handlers[kind]):
            self._run("on('%s')" % kind, lambda h=handler: h(event), event)
        if kind == 'directed_privmsg':
            self._dispatch(event)

    def _dispatch(self, event):
        message = event['data'].get('message')
        parsed = parse_command(message, self.command_prefix) if isinstance(message, str) else None
        if not parsed or parsed[0] not in self._commands or parsed[0] not in self._live:
            return
        name, args, argv = parsed
        handler = self._commands[name][0]
        cmd = Command(self, event, name, args, argv)
        if name in self._admin_only and not cmd.admin:
            self._refuse(cmd)
            return

        def failed():
            if self.command_error_reply:
                try:
                    cmd.reply(self.command_error_reply.replace('{command}', self.command_prefix + name))
                except (ValueError, RuntimeError, redis.RedisError):
                    pass
        self._run("command '%s'" % name, lambda: handler(cmd), event, failed)

    def _refuse(self, cmd):
        """One short "admins only" to a non-admin, at most once a minute per sender."""
        key = cmd.sender.lower()
        now = time.monotonic()
        self.logger.info('refused %s%s to non-admin %s', self.command_prefix, cmd.name, cmd.sender)
        last = self._refused.get(key)
        if last is not None and now - last < REFUSAL_EVERY_SECONDS:
            return
        self._refused.pop(key, None)
        self._refused[key] = now
        while len(self._refused) > REFUSALS_KEPT:
            self._refused.pop(next(iter(self._refused)))
        try:
            cmd.reply('Sorry, %s%s is for admins only.' % (self.command_prefix, cmd.name))
        except (ValueError, RuntimeError, redis.RedisError):
            pass

    def _run(self, label, call, event, on_failure=None):
        try:
            call()
        except Exception as err:  # a handler's bug must not stop the service
            self.logger.exception('%s failed: %s', label, err)
            if on_failure:
                on_failure()
            data = event['data']
            raw = data.get('raw_message') if event.get('type') == 'directed_privmsg' else None
            report = {'version': PROTOCOL_VERSION, 'type': 'error', 'data': {
                'code': 'handler_failed',
                'reason': '%s in %s failed: %s' % (label, self.name, err),
                'source': 'service:%s' % self.name,
                'input': (raw if isinstance(raw, str) else json.dumps(event))[:PREVIEW_CHARS],
            }}
            try:
                self.redis.publish(self.errors_channel, json.dumps(report))
            except redis.RedisError as report_err:
                self.logger.warning('could not report the failure on the errors channel: %s', report_err)
