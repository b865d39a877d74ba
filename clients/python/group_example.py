# Replicas that share the work: run this file twice (or more) and each `!woot` is answered once.
# Reads the bot's `in` stream through a consumer group named after the service (redis-py only).
# Reads REDIS_URL, ZEN_NAMESPACE, ZEN_CATCHUP_MAX_AGE_SECONDS and ZEN_CLAIM_IDLE_MS like the SDK.
import json, os, socket, time, uuid, redis

r = redis.Redis.from_url(os.environ.get('REDIS_URL') or 'redis://127.0.0.1:6379', decode_responses=True)
ns = os.environ.get('ZEN_NAMESPACE') or ''
prefix = ns + ':' if ns else ''
stream, group = prefix + 'zenrelay:in', 'pywoot'
consumer = '%s-%d-%s' % (socket.gethostname(), os.getpid(), uuid.uuid4().hex[:8])
max_age_ms = 1000 * int(os.environ.get('ZEN_CATCHUP_MAX_AGE_SECONDS') or 120)
claim_idle_ms = int(os.environ.get('ZEN_CLAIM_IDLE_MS') or 15000)

def handle(event):
    data = event['data']
    if event['type'] == 'directed_privmsg' and data['raw_message'] == '!woot':
        reply = {'version': 1, 'type': 'privmsg', 'data': {'to': data['channel'], 'message': 'Indeed! (%s)' % event.get('id')}}
        r.publish(prefix + 'out', json.dumps(reply))

def process(entries):
    for entry_id, fields in entries:
        if entry_id is None:
            continue
        if fields and time.time() * 1000 - int(entry_id.split('-')[0]) <= max_age_ms:
            handle(json.loads(fields['event']))
        r.xack(stream, group, entry_id)  # handled, too old, or trimmed: done either way

try:
    r.xgroup_create(stream, group, id='$', mkstream=True)  # a new group starts from now
except redis.ResponseError as e:
    if 'BUSYGROUP' not in str(e):
        raise
print('consuming', stream, 'as', group, flush=True)
last_claim = 0
while True:
    if time.time() - last_claim > claim_idle_ms / 2000:  # take over what a dead replica left
        last_claim = time.time()
        process(r.xautoclaim(stream, group, consumer, claim_idle_ms, '0-0', count=100)[1])
    for _, entries in r.xreadgroup(group, consumer, {stream: '>'}, count=50, block=1000) or []:
        process(entries)
