# The ZenIRCBot workshop client: `hello` -> `Hello <you>`, `!woot` -> `Indeed!`.
# Needs only redis-py (apt-get install python3-redis). Reads REDIS_URL and ZEN_NAMESPACE like the bot.
import json, os, redis

r = redis.Redis.from_url(os.environ.get('REDIS_URL') or 'redis://127.0.0.1:6379')
ns = os.environ.get('ZEN_NAMESPACE') or ''
prefix = ns + ':' if ns else ''

def send(to, message):
    r.publish(prefix + 'out', json.dumps({'version': 1, 'type': 'privmsg', 'data': {'to': to, 'message': message}}))

p = r.pubsub()
p.subscribe(prefix + 'in')
for msg in p.listen():
    if msg['type'] == 'subscribe':
        print('listening on', prefix + 'in', flush=True)
    if msg['type'] != 'message':
        continue
    event = json.loads(msg['data'])
    if event['type'] != 'privmsg':
        continue
    data = event['data']
    if data['message'] == 'hello':
        send(data['channel'], 'Hello %s' % data['sender'])
    elif data['message'] == '!woot':
        send(data['channel'], 'Indeed!')
