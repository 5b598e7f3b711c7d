import { connect, headers, createInbox } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
const nc = await connect({ servers: '127.0.0.1:14222' });
const jsm = await jetstreamManager(nc);
await jsm.streams.add({ name: 'P', subjects: ['p.>'] }).catch(e=>console.log('add', e.message));
const js = jetstream(nc);
for (let i = 0; i < 5; i++) { const h = headers(); h.set('Nats-Msg-Id', 'id' + i); console.log((await js.publish('p.x', 'm' + i, { headers: h })).seq); }
const ci = await jsm.consumers.add('P', { durable_name: 'd', ack_policy: AckPolicy.Explicit, max_ack_pending: 3, ack_wait: 2e9 });
console.log(ci.num_pending, ci.num_ack_pending, ci.config.max_ack_pending, ci.config.max_waiting);
const inbox = createInbox();
const sub = nc.subscribe(inbox, { callback: (err, m) => {
  console.log('got', err?.message, m.subject, m.reply, m.headers?.code, m.headers?.description, m.headers?.status, m.headers && [...m.headers.keys()].map(k=>k+'='+m.headers.get(k)), m.string());
}});
nc.publish('$JS.API.CONSUMER.MSG.NEXT.P.d', JSON.stringify({ batch: 5, expires: 1e9, idle_heartbeat: 3e8 }), { reply: inbox });
await new Promise(r => setTimeout(r, 1500));
console.log('--- max_bytes small');
nc.publish('$JS.API.CONSUMER.MSG.NEXT.P.d', JSON.stringify({ batch: 5, expires: 1e9, max_bytes: 10 }), { reply: inbox });
await new Promise(r => setTimeout(r, 1300));
console.log('--- no_wait');
const c2 = await jsm.consumers.add('P', { durable_name: 'e', ack_policy: AckPolicy.Explicit, deliver_policy: 'new' });
nc.publish('$JS.API.CONSUMER.MSG.NEXT.P.e', JSON.stringify({ batch: 5, no_wait: true }), { reply: inbox });
await new Promise(r => setTimeout(r, 500));
nc.publish('$JS.API.CONSUMER.MSG.NEXT.P.e', JSON.stringify({ batch: 5, no_wait: true, expires: 3e8 }), { reply: inbox });
await new Promise(r => setTimeout(r, 700));
console.log('--- missing consumer');
try { await jsm.consumers.info('P', 'nope'); } catch (e) { console.log(e.constructor.name, e.message, e.code, e.api_error); }
try { await jsm.consumers.info('NOPE', 'nope'); } catch (e) { console.log(e.constructor.name, e.message, e.code, e.api_error); }
const r = await nc.request('$JS.API.CONSUMER.MSG.NEXT.P.nope', JSON.stringify({ batch: 1, expires: 3e8 }), {timeout: 1000}).catch(e => e);
console.log('pull on missing', r?.headers?.code, r?.headers?.description, r?.message);
await nc.close();
