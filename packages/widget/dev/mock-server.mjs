// A stand-in for the Huiliu server, for developing the widget on its own: the widget's HTTP
// endpoints and Socket.IO namespace `/widget` over in-memory data, plus a pretend agent.
// A dev aid only: the real server lives in packages/server.
//
//   npm run build -w @huiliu/widget && node packages/widget/dev/mock-server.mjs
//   → the host page http://127.0.0.1:5180/ (another origin, as on a customer's site)
//     and the "Huiliu server" http://127.0.0.1:5181 (widget.js, /api/v1/widget/*, /widget socket)
//
// Pages: /?key=demo-inbox-key (online) · demo-prechat-key (pre-chat form) · demo-offline-key
// (nobody online) · demo-identity-key (requires a signed identity; add &identity=1 to sign one).
// Control the pretend agent with POST http://127.0.0.1:5181/dev/<action> (see `devActions`).
// Visitor messages starting with "!error <code>" are refused with that code; "!noack" ones are
// stored but their acknowledgement is lost (the widget must resend them with the same id).

import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Readable } from 'node:stream';
import { Server } from 'socket.io';

const HOST = '127.0.0.1';
const PAGE_PORT = Number(process.env.PAGE_PORT ?? 5180);
const API_PORT = Number(process.env.API_PORT ?? 5181);
const API_ORIGIN = `http://${HOST}:${API_PORT}`;
const INBOX_SECRET = 'mock-inbox-secret';
const AUTO_REPLY = process.env.AUTO_REPLY !== 'false';
const widgetFile = new URL('../dist/widget.js', import.meta.url);
const pageFile = new URL('./index.html', import.meta.url);

// ---- in-memory data ----

const baseConfig = {
  name: '汇流客服 Huiliu Support',
  color: '#1677ff',
  greeting: { 'zh-CN': '您好！欢迎来到汇流商城，有什么可以帮您？', en: 'Hi! Welcome to the Huiliu shop. How can we help?' },
  offlineMessage: {
    'zh-CN': '客服暂时不在线，请留言，我们会在工作时间尽快回复您。',
    en: 'We are offline right now. Leave a message and we will reply as soon as we are back.',
  },
  preChatForm: { enabled: false, fields: [] },
  attachments: {
    maxBytes: 2 * 1024 * 1024,
    contentTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'],
  },
  requireIdentity: false,
  csatEnabled: true,
  online: true,
  emailVerification: false,
  opensAt: null,
};

/** Tomorrow at 09:00 local time: when the pretend team of the offline inbox opens again. */
const tomorrowNine = () => {
  const date = new Date();
  date.setDate(date.getDate() + 1);
  date.setHours(9, 0, 0, 0);
  return date.toISOString();
};

const inboxes = new Map(
  [
    ['demo-inbox-key', {}],
    [
      'demo-prechat-key',
      {
        color: '#00a870',
        preChatForm: {
          enabled: true,
          fields: [
            { name: 'name', required: true },
            { name: 'email', required: false },
            { name: 'topic', required: true, options: ['订单 Orders', '退货 Returns', '其他 Other'] },
          ],
        },
      },
    ],
    ['demo-offline-key', { online: false, opensAt: tomorrowNine(), color: '#722ed1' }],
    ['demo-identity-key', { requireIdentity: true }],
  ].map(([key, overrides]) => [key, { ...baseConfig, ...overrides, inboxId: randomUUID() }]),
);

/** visitorToken → { visitorId, customerId, inboxKey, verified } */
const visitors = new Map();
/** conversation id → { id, customerId, inboxKey, state, lastSeq, csat, createdAt, resolvedAt, messages[] } */
const conversations = new Map();
/** clientMessageId (per customer) → stored message: a resend returns the first. */
const sentByClientId = new Map();
/** attachment id → { attachment, bytes, customerId } */
const files = new Map();

const now = () => new Date().toISOString();
const view = (conversation) => ({
  id: conversation.id,
  state: conversation.state,
  lastSeq: conversation.lastSeq,
  csat: conversation.csat,
  createdAt: conversation.createdAt,
  resolvedAt: conversation.resolvedAt,
});
const openConversationOf = (customerId) =>
  [...conversations.values()].find((conversation) => conversation.customerId === customerId && conversation.state !== 'resolved');
const latestConversationOf = (customerId) =>
  [...conversations.values()]
    .filter((conversation) => conversation.customerId === customerId)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];

function append(conversation, fields) {
  conversation.lastSeq += 1;
  const message = {
    id: randomUUID(),
    conversationId: conversation.id,
    seq: conversation.lastSeq,
    kind: 'in',
    text: '',
    attachments: [],
    senderType: 'customer',
    senderId: null,
    senderName: null,
    clientMessageId: null,
    delivery: 'sent',
    failureReason: null,
    event: null,
    createdAt: now(),
    ...fields,
  };
  conversation.messages.push(message);
  return message;
}

// ---- HTTP ----

const cors = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, x-visitor-token',
};

function send(response, status, body, headers = {}) {
  const json = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...cors, ...headers });
  response.end(json);
}
const fail = (response, status, code, message) => send(response, status, { error: { code, message } });

async function readJson(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    return null;
  }
}

function hostPage(url) {
  const key = (url.searchParams.get('key') ?? 'demo-inbox-key').replace(/[^A-Za-z0-9_-]/g, '');
  // What a host site's backend does for a signed-in user: sign userId + timestamp with the inbox secret.
  let settings = '';
  if (url.searchParams.get('identity')) {
    const userId = 'user-42';
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', INBOX_SECRET)
      .update(userId + timestamp)
      .digest('hex');
    settings = JSON.stringify({ identity: { userId, timestamp, signature, name: '王小明', email: 'xiaoming@example.com' } });
  }
  return readFileSync(pageFile, 'utf8')
    .replaceAll('__API_ORIGIN__', API_ORIGIN)
    .replaceAll('__INBOX_KEY__', key)
    .replace('__SETTINGS__', settings ? `window.HuiliuSettings = ${settings};` : '');
}

const pageServer = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', `http://${HOST}:${PAGE_PORT}`);
  if (url.pathname === '/favicon.ico') return send(response, 204, '');
  if (url.pathname !== '/') return send(response, 404, 'not found', { 'content-type': 'text/plain' });
  send(response, 200, hostPage(url), { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
});

const apiServer = http.createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', API_ORIGIN);
  try {
    if (request.method === 'OPTIONS') return send(response, 204, '');
    if (url.pathname === '/widget.js') {
      return send(response, 200, readFileSync(widgetFile), {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-store',
      });
    }
    if (request.method === 'GET' && url.pathname === '/api/v1/widget/config') {
      const config = inboxes.get(url.searchParams.get('inboxKey') ?? '');
      if (!config) return fail(response, 404, 'not_found', 'chat not found (check the data-inbox-key of the widget script)');
      return send(response, 200, config);
    }
    if (request.method === 'POST' && url.pathname === '/api/v1/widget/sessions') return startSession(request, response);
    if (request.method === 'POST' && url.pathname === '/api/v1/widget/attachments') return upload(request, response);
    if (request.method === 'GET' && url.pathname.startsWith('/files/')) {
      const stored = files.get(url.pathname.split('/')[2]);
      if (!stored) return fail(response, 404, 'not_found', 'no such file');
      return send(response, 200, stored.bytes, { 'content-type': stored.attachment.contentType });
    }
    if (request.method === 'POST' && url.pathname.startsWith('/dev/')) {
      const action = devActions[url.pathname.slice('/dev/'.length)];
      if (!action) return fail(response, 404, 'not_found', `dev actions: ${Object.keys(devActions).join(', ')}`);
      return send(response, 200, (await action((await readJson(request)) ?? {})) ?? { ok: true });
    }
    if (request.method === 'GET' && url.pathname === '/dev/state') {
      return send(response, 200, { visitors: [...visitors.values()], conversations: [...conversations.values()] });
    }
    fail(response, 404, 'not_found', 'no such route');
  } catch (error) {
    console.error(error);
    fail(response, 500, 'internal', 'mock server error');
  }
});

async function startSession(request, response) {
  const body = await readJson(request);
  const config = body && inboxes.get(body.inboxKey);
  if (!config) return fail(response, 404, 'not_found', 'chat not found');
  const identity = body.identity;
  if (identity) {
    const expected = createHmac('sha256', INBOX_SECRET).update(`${identity.userId}${identity.timestamp}`).digest('hex');
    if (expected !== String(identity.signature).toLowerCase())
      return fail(response, 401, 'identity_invalid', 'the identity signature does not match');
  } else if (config.requireIdentity) {
    return fail(response, 401, 'identity_required', 'this chat needs a signed identity from the site');
  }
  let token = typeof body.visitorToken === 'string' && visitors.has(body.visitorToken) ? body.visitorToken : null;
  // A signed-in user is one customer whatever browser they use.
  if (identity) token = [...visitors.entries()].find(([, visitor]) => visitor.userId === identity.userId)?.[0] ?? null;
  if (!token) {
    token = `vt_${randomUUID().replaceAll('-', '')}`;
    visitors.set(token, {
      visitorId: randomUUID(),
      customerId: randomUUID(),
      inboxKey: body.inboxKey,
      userId: identity?.userId ?? null,
      verified: Boolean(identity),
    });
  }
  const visitor = visitors.get(token);
  visitor.context = body.context;
  console.log(
    `[mock] session ${visitor.customerId.slice(0, 8)} from ${body.context?.pageUrl} (${body.context?.language}, ${body.context?.screen}, ${body.context?.timezone})`,
  );
  send(response, 200, {
    visitorToken: token,
    visitorId: visitor.visitorId,
    customerId: visitor.customerId,
    verified: visitor.verified,
    conversationId: openConversationOf(visitor.customerId)?.id ?? null,
  });
}

async function upload(request, response) {
  const visitor = visitors.get(request.headers['x-visitor-token']);
  if (!visitor) return fail(response, 401, 'unauthorized', 'send the visitor token in the x-visitor-token header');
  const policy = inboxes.get(visitor.inboxKey).attachments;
  const form = await new Request(API_ORIGIN, { method: 'POST', headers: request.headers, body: Readable.toWeb(request), duplex: 'half' })
    .formData()
    .catch(() => null);
  const file = form?.get('file');
  if (!file || typeof file === 'string') return fail(response, 400, 'file_missing', 'send the file in the multipart field "file"');
  if (!policy.contentTypes.includes(file.type))
    return fail(response, 415, 'attachment_type_not_allowed', `files of type ${file.type} are not accepted`);
  if (file.size > policy.maxBytes) return fail(response, 413, 'attachment_too_large', 'the file is too large');
  const id = randomUUID();
  const attachment = { id, name: file.name, contentType: file.type, size: file.size, url: `/files/${id}/${encodeURIComponent(file.name)}` };
  files.set(id, { attachment, bytes: Buffer.from(await file.arrayBuffer()), customerId: visitor.customerId });
  send(response, 201, attachment);
}

// ---- Socket.IO: the visitor side ----

const io = new Server({ cors: { origin: true }, serveClient: false });
const widget = io.of('/widget');
const room = (customerId) => `customer:${customerId}`;
const LOSE_THE_ACK = Symbol('lose the ack');

widget.use((socket, next) => {
  const visitor = visitors.get(socket.handshake.auth?.visitorToken);
  if (!visitor) return next(new Error('unknown visitor token; start a session first'));
  socket.data.visitor = visitor;
  next();
});

widget.on('connection', (socket) => {
  const { visitor } = socket.data;
  socket.join(room(visitor.customerId));
  console.log(`[mock] socket connected for ${visitor.customerId.slice(0, 8)} (${socket.conn.transport.name})`);

  const handle = (event, run) =>
    socket.on(event, async (...args) => {
      const ack = typeof args.at(-1) === 'function' ? args.at(-1) : () => undefined;
      try {
        const data = await run(typeof args[0] === 'function' ? undefined : args[0]);
        if (data !== LOSE_THE_ACK) ack({ ok: true, data });
      } catch (error) {
        ack({ ok: false, error: { code: error.code ?? 'internal', message: error.message } });
      }
    });
  const refuse = (code, message) => Object.assign(new Error(message), { code });
  const own = (conversationId) => {
    const conversation = conversations.get(conversationId);
    if (!conversation || conversation.customerId !== visitor.customerId) throw refuse('not_found', 'conversation not found');
    return conversation;
  };

  handle('history', () => {
    const conversation = openConversationOf(visitor.customerId) ?? latestConversationOf(visitor.customerId);
    return conversation ? { conversation: view(conversation), messages: conversation.messages } : { conversation: null, messages: [] };
  });

  handle('sync', ({ conversationId, afterSeq }) => ({
    messages: own(conversationId).messages.filter((message) => message.seq > afterSeq),
  }));

  handle('message:send', (input) => {
    const key = `${visitor.customerId}:${input?.clientMessageId}`;
    if (!input?.clientMessageId) throw refuse('validation_failed', 'clientMessageId: required');
    const text = String(input.text ?? '');
    if (text.length > 10_000) throw refuse('message_too_long', 'text: a message is at most 10,000 characters');
    const forced = /^!error (\w+)/.exec(text);
    if (forced) throw refuse(forced[1], `refused on request (${forced[1]})`);
    const first = sentByClientId.get(key);
    if (first) return { message: first.message, conversation: view(first.conversation) };
    const attachments = (input.attachmentIds ?? []).map((id) => files.get(id)?.attachment).filter(Boolean);
    if (!text.trim() && attachments.length === 0) throw refuse('empty_message', 'write a message or attach a file');
    const stored = receiveFromVisitor(visitor, { text, attachments, clientMessageId: input.clientMessageId, preChat: input.preChat });
    // "!noack …": stored, but the acknowledgement is lost, as when a connection drops at the wrong
    // moment; the widget must resend with the same client id and be answered with this message.
    return text.startsWith('!noack') ? LOSE_THE_ACK : stored;
  });

  handle('offline:submit', (input) => {
    if (!String(input?.text ?? '').trim()) throw refuse('validation_failed', 'text: write a message');
    const key = `${visitor.customerId}:${input.clientMessageId}`;
    const first = sentByClientId.get(key);
    if (first) return { conversationId: first.conversation.id };
    const { conversation } = receiveFromVisitor(
      visitor,
      {
        text: input.text,
        attachments: [],
        clientMessageId: input.clientMessageId,
        contact: { name: input.name, email: input.email, phone: input.phone },
      },
      { autoReply: false },
    );
    return { conversationId: conversation.id };
  });

  handle('typing', (input) => console.log(`[mock] visitor typing: ${input?.typing}`));

  handle('read', ({ conversationId, upToSeq }) => {
    const conversation = own(conversationId);
    const changed = conversation.messages.filter(
      (message) => message.kind === 'out' && message.seq <= upToSeq && message.delivery !== 'read',
    );
    for (const message of changed) {
      message.delivery = 'read';
      widget
        .to(room(visitor.customerId))
        .emit('message:status', { conversationId, messageId: message.id, seq: message.seq, delivery: 'read' });
    }
    return { updated: changed.length };
  });

  handle('csat:submit', ({ conversationId, rating, comment }) => {
    const conversation = own(conversationId);
    if (conversation.state !== 'resolved') throw refuse('not_resolved', 'a conversation can be rated once it is resolved');
    if (conversation.csat) throw refuse('conflict', 'this conversation was already rated');
    conversation.csat = { rating, comment: comment ?? '' };
    console.log(`[mock] rated ${rating}★ ${comment ?? ''}`);
    return { conversation: view(conversation) };
  });
});

function receiveFromVisitor(visitor, input, { autoReply = AUTO_REPLY } = {}) {
  let conversation = openConversationOf(visitor.customerId);
  const isNew = !conversation;
  if (!conversation) {
    conversation = {
      id: randomUUID(),
      customerId: visitor.customerId,
      inboxKey: visitor.inboxKey,
      state: 'queued',
      lastSeq: 0,
      csat: null,
      createdAt: now(),
      resolvedAt: null,
      messages: [],
      preChat: input.preChat ?? {},
    };
    conversations.set(conversation.id, conversation);
  }
  const message = append(conversation, {
    text: input.text,
    attachments: input.attachments,
    clientMessageId: input.clientMessageId,
    senderName: input.preChat?.name ?? input.contact?.name ?? null,
  });
  sentByClientId.set(`${visitor.customerId}:${input.clientMessageId}`, { message, conversation });
  // Like the real server: every tab of the visitor hears of it, the sending one too (it de-duplicates).
  // A "!noack" message pretends the connection failed: neither the event nor the ack gets through.
  if (!input.text.startsWith('!noack')) {
    widget.to(room(visitor.customerId)).emit('message', { conversationId: conversation.id, seq: message.seq, message });
  }
  if (isNew) {
    widget.to(room(visitor.customerId)).emit('conversation', { conversation: view(conversation) });
    widget.to(room(visitor.customerId)).emit('queue', { conversationId: conversation.id, position: 2, estimatedWaitSeconds: 90 });
  }
  console.log(`[mock] visitor says: ${input.text || input.attachments.map((attachment) => attachment.name).join(', ')}`);
  if (autoReply) setTimeout(() => void pretendAgentAnswers(conversation, message), 400);
  return { message, conversation: view(conversation) };
}

// ---- the pretend agent ----

const AGENT = { id: randomUUID(), name: '小汇 Xiaohui' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function agentReply(conversation, text, { deliver = true } = {}) {
  const message = append(conversation, { kind: 'out', text, senderType: 'agent', senderId: AGENT.id, senderName: AGENT.name });
  if (!deliver) return message;
  // Like the real connector: `delivered` once a tab acknowledges.
  const acks = await widget
    .to(room(conversation.customerId))
    .timeout(5_000)
    .emitWithAck('message', { conversationId: conversation.id, seq: message.seq, message })
    .catch(() => []);
  if (acks.length > 0 && message.delivery === 'sent') message.delivery = 'delivered';
  return message;
}

function agentEvent(conversation, type, state) {
  const message = append(conversation, {
    kind: 'event',
    senderType: 'system',
    senderName: type === 'assigned' ? AGENT.name : null,
    event: { type },
  });
  conversation.state = state;
  if (state === 'resolved') conversation.resolvedAt = message.createdAt;
  widget.to(room(conversation.customerId)).emit('message', { conversationId: conversation.id, seq: message.seq, message });
  widget.to(room(conversation.customerId)).emit('conversation', { conversation: view(conversation) });
}

function agentTyping(conversation, typing) {
  widget.to(room(conversation.customerId)).emit('typing', { conversationId: conversation.id, typing, name: typing ? AGENT.name : null });
}

async function pretendAgentAnswers(conversation, visitorMessage) {
  if (conversation.state === 'queued') agentEvent(conversation, 'assigned', 'assigned');
  // The agent reads the visitor's message…
  visitorMessage.delivery = 'read';
  widget
    .to(room(conversation.customerId))
    .emit('message:status', { conversationId: conversation.id, messageId: visitorMessage.id, seq: visitorMessage.seq, delivery: 'read' });
  agentTyping(conversation, true);
  await sleep(1_200);
  agentTyping(conversation, false);
  const said = visitorMessage.text || visitorMessage.attachments.map((attachment) => attachment.name).join(', ');
  await agentReply(conversation, `收到：“${said.slice(0, 80)}”。Got it! 帮助中心 Help: https://example.com/help/returns`);
}

const latestOpen = () =>
  [...conversations.values()]
    .filter((conversation) => conversation.state !== 'resolved')
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
const pick = (body) => conversations.get(body.conversationId) ?? latestOpen();

/** POST /dev/<name> with a JSON body: drive the pretend agent from a test or curl. */
const devActions = {
  async reply(body) {
    const conversation = pick(body);
    if (!conversation) return { error: 'no open conversation' };
    return agentReply(conversation, body.text ?? '您好，请问还有什么可以帮您？');
  },
  typing(body) {
    const conversation = pick(body);
    if (conversation) agentTyping(conversation, body.typing !== false);
  },
  resolve(body) {
    const conversation = pick(body);
    if (conversation) agentEvent(conversation, 'resolved', 'resolved');
  },
  online(body) {
    for (const config of inboxes.values()) if (config.requireIdentity === false || body.all) config.online = body.online !== false;
  },
  /**
   * Cuts every widget connection as a network failure would (`server: true`: the server hangs up
   * instead); with `missed`, an agent reply is stored while the visitor is away, for `sync` to fetch.
   */
  async drop(body) {
    for (const socket of await widget.fetchSockets()) {
      if (body.server) socket.disconnect(true);
      else widget.sockets.get(socket.id)?.conn.close();
    }
    const conversation = pick(body);
    if (conversation && body.missed) await agentReply(conversation, body.missed, { deliver: false });
  },
};

// ---- start ----

io.attach(apiServer);
apiServer.listen(API_PORT, HOST, () => console.log(`[mock] Huiliu server stand-in on ${API_ORIGIN}`));
pageServer.listen(PAGE_PORT, HOST, () => console.log(`[mock] host page on http://${HOST}:${PAGE_PORT}/?key=demo-inbox-key`));
