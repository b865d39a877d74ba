/**
 * The Python package's `@bot.command(..., admin=True)`, like the SDK's: a
 * non-admin (the bot's `admin` field false, missing, or anything but true)
 * gets one refusal however often they try, and the handler runs only for an
 * admin. Pure dispatch: `_send` is captured, no Redis is touched.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

it('admin=True refuses non-admins once and runs the handler for admins only', () => {
  const script = `
import json
from zenrelay.bot import Bot
said = []
bot = Bot('t', env={})
bot._send = lambda kind, to, text: said.append([to, text])
called = []
@bot.command('join', admin=True)
def join(cmd):
    called.append([cmd.sender, cmd.account, cmd.admin])
@bot.command('open')
def open_(cmd):
    called.append(['open', cmd.admin])
bot._live.update(['join', 'open'])
def event(admin, sender='bob', message='join #x'):
    data = {'sender': sender, 'channel': '#c', 'message': message, 'raw_message': '!' + message, 'account': sender}
    if admin is not None:
        data['admin'] = admin
    return {'version': 1, 'type': 'directed_privmsg', 'data': data}
for admin in [False, None, 'true', 1, False]:
    bot._dispatch(event(admin))
bot._dispatch(event(True, sender='alice'))
bot._dispatch(event(False, message='open'))
print(json.dumps({'said': said, 'called': called}))
`;
  const out = execFileSync('/usr/bin/python3', ['-c', script], {
    env: { ...process.env, PYTHONPATH: join(root, 'clients', 'python'), PYTHONDONTWRITEBYTECODE: '1', LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
  expect(JSON.parse(out)).toEqual({
    said: [['#c', 'Sorry, !join is for admins only.']],
    called: [['alice', 'alice', true], ['open', false]],
  });
});
