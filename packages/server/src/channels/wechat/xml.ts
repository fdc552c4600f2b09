import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { xmlDepthExceeds } from './xml-depth.js';

/**
 * The WeChat callback XML: one flat `<xml>` element of named fields (CDATA for text, bare
 * numbers), parsed into typed messages, and the builder for passive replies and encrypted
 * envelopes. Only this file knows the element names.
 */

export class WechatXmlError extends Error {
  readonly code = 'bad_xml';
  constructor(message: string) {
    super(message);
    this.name = 'WechatXmlError';
  }
}

const parser = new XMLParser({
  // Values stay strings: MsgId is a 64-bit number that would lose digits as a JS number.
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
});

export type XmlFields = { [name: string]: string | XmlFields | XmlFields[] };

/** WeChat's deepest document (news articles: xml › Articles › item › Title) is 4 levels. */
export const MAX_XML_DEPTH = 16;

/** Parses a WeChat XML document into its top-level fields (text values untrimmed). Throws WechatXmlError. */
export function parseXml(xml: string): XmlFields {
  // No document type declarations: nothing WeChat sends has one, and entities are a known attack.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new WechatXmlError('document type declarations are not accepted');
  // NUL is not a character XML 1.0 allows, raw or as a reference, and PostgreSQL cannot store it.
  if (xml.includes('\u0000') || /&#(0*|x0*)0;/i.test(xml)) throw new WechatXmlError('the document contains a NUL character');
  // Before any parser runs: their recursion is what a deeply nested document attacks.
  if (xmlDepthExceeds(xml, MAX_XML_DEPTH)) throw new WechatXmlError(`elements are nested deeper than ${MAX_XML_DEPTH} levels`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new WechatXmlError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(xml) as Record<string, unknown>;
  } catch (error) {
    throw new WechatXmlError(`malformed XML: ${(error as Error).message}`);
  }
  const root = parsed.xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new WechatXmlError('the document has no <xml> root element');
  const fields: XmlFields = {};
  for (const [name, value] of Object.entries(root as Record<string, unknown>)) {
    if (name === '#text') continue;
    if (typeof value === 'string') fields[name] = value;
    else if (Array.isArray(value)) fields[name] = value.filter((item) => typeof item === 'object') as XmlFields[];
    else if (value && typeof value === 'object') fields[name] = stripText(value as Record<string, unknown>);
  }
  return fields;
}

function stripText(value: Record<string, unknown>): XmlFields {
  const out: XmlFields = {};
  for (const [name, inner] of Object.entries(value)) {
    if (name === '#text') continue;
    if (typeof inner === 'string') out[name] = inner;
    else if (Array.isArray(inner))
      out[name] = inner.map((item) => (typeof item === 'object' ? stripText(item as Record<string, unknown>) : {}));
    else if (inner && typeof inner === 'object') out[name] = stripText(inner as Record<string, unknown>);
  }
  return out;
}

/** A top-level text field, or undefined. */
export function field(fields: XmlFields, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' ? value : undefined;
}

function required(fields: XmlFields, name: string): string {
  const value = field(fields, name);
  if (value === undefined || value.trim() === '') throw new WechatXmlError(`<${name}> is missing`);
  return value;
}

interface Common {
  toUserName: string;
  fromUserName: string;
  createTime: number;
}

export type WechatMessage = Common &
  (
    | { type: 'text'; msgId: string; content: string }
    | { type: 'image'; msgId: string; picUrl: string; mediaId: string }
    | { type: 'voice'; msgId: string; mediaId: string; format: string; recognition?: string }
    | { type: 'video' | 'shortvideo'; msgId: string; mediaId: string; thumbMediaId: string }
    | { type: 'location'; msgId: string; latitude: number; longitude: number; scale: number; label: string }
    | { type: 'link'; msgId: string; title: string; description: string; url: string }
    | { type: 'subscribe'; scene?: string; ticket?: string }
    | { type: 'unsubscribe' }
    | { type: 'scan'; scene: string; ticket?: string }
    | { type: 'click'; key: string }
    | { type: 'view'; url: string }
    /** Anything else (other events, future message types): acknowledged, not stored. */
    | { type: 'other'; msgType: string; event?: string; msgId?: string }
  );

const QR_SCENE_PREFIX = 'qrscene_';

/** Turns parsed callback fields into a typed message. Throws WechatXmlError when a required field is absent. */
export function toWechatMessage(fields: XmlFields): WechatMessage {
  const createTime = Number(required(fields, 'CreateTime'));
  if (!Number.isFinite(createTime)) throw new WechatXmlError('<CreateTime> is not a number');
  const common: Common = { toUserName: required(fields, 'ToUserName'), fromUserName: required(fields, 'FromUserName'), createTime };
  const msgType = required(fields, 'MsgType').trim();
  const text = (name: string) => field(fields, name) ?? '';
  const msgId = () => required(fields, 'MsgId').trim();
  switch (msgType) {
    case 'text':
      return { ...common, type: 'text', msgId: msgId(), content: text('Content') };
    case 'image':
      return { ...common, type: 'image', msgId: msgId(), picUrl: text('PicUrl'), mediaId: required(fields, 'MediaId') };
    case 'voice': {
      const recognition = field(fields, 'Recognition');
      return {
        ...common,
        type: 'voice',
        msgId: msgId(),
        mediaId: required(fields, 'MediaId'),
        format: text('Format'),
        ...(recognition ? { recognition } : {}),
      };
    }
    case 'video':
    case 'shortvideo':
      return { ...common, type: msgType, msgId: msgId(), mediaId: required(fields, 'MediaId'), thumbMediaId: text('ThumbMediaId') };
    case 'location':
      return {
        ...common,
        type: 'location',
        msgId: msgId(),
        latitude: Number(text('Location_X')),
        longitude: Number(text('Location_Y')),
        scale: Number(text('Scale')),
        label: text('Label'),
      };
    case 'link':
      return { ...common, type: 'link', msgId: msgId(), title: text('Title'), description: text('Description'), url: text('Url') };
    case 'event':
      return eventOf(common, fields);
    default:
      return { ...common, type: 'other', msgType, ...(field(fields, 'MsgId') ? { msgId: field(fields, 'MsgId')!.trim() } : {}) };
  }
}

function eventOf(common: Common, fields: XmlFields): WechatMessage {
  const event = required(fields, 'Event').trim();
  const key = field(fields, 'EventKey') ?? '';
  const ticket = field(fields, 'Ticket');
  switch (event.toLowerCase()) {
    case 'subscribe':
      // Subscribing by scanning a parametric QR code carries `qrscene_<scene>`.
      return {
        ...common,
        type: 'subscribe',
        ...(key.startsWith(QR_SCENE_PREFIX) ? { scene: key.slice(QR_SCENE_PREFIX.length) } : {}),
        ...(ticket ? { ticket } : {}),
      };
    case 'unsubscribe':
      return { ...common, type: 'unsubscribe' };
    case 'scan':
      return { ...common, type: 'scan', scene: key, ...(ticket ? { ticket } : {}) };
    case 'click':
      return { ...common, type: 'click', key };
    case 'view':
      return { ...common, type: 'view', url: key };
    default:
      return { ...common, type: 'other', msgType: 'event', event };
  }
}

/** Parses and types a callback document in one step. */
export function parseWechatMessage(xml: string): WechatMessage {
  return toWechatMessage(parseXml(xml));
}

// ---- building ----------------------------------------------------------------------------

export type XmlValue = string | number | XmlValue[] | { [name: string]: XmlValue };

function cdata(value: string): string {
  // "]]>" cannot appear inside a CDATA section: split it across two sections.
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function element(name: string, value: XmlValue): string {
  if (typeof value === 'number') return `<${name}>${value}</${name}>`;
  if (typeof value === 'string') return `<${name}>${cdata(value)}</${name}>`;
  if (Array.isArray(value)) return `<${name}>${value.map((item) => element('item', item)).join('')}</${name}>`;
  return `<${name}>${Object.entries(value)
    .map(([inner, innerValue]) => element(inner, innerValue))
    .join('')}</${name}>`;
}

/** A WeChat XML document: text in CDATA, numbers bare, arrays as `<item>` lists. */
export function buildXml(fields: Record<string, XmlValue>): string {
  return `<xml>${Object.entries(fields)
    .map(([name, value]) => element(name, value))
    .join('')}</xml>`;
}

export interface NewsArticle {
  title: string;
  description: string;
  url: string;
  picUrl?: string;
}

export type PassiveReply =
  { type: 'text'; content: string } | { type: 'image'; mediaId: string } | { type: 'news'; articles: NewsArticle[] };

/** The passive reply to a message: From and To swapped. */
export function buildPassiveReply(to: string, from: string, createTime: number, reply: PassiveReply): string {
  const head = { ToUserName: to, FromUserName: from, CreateTime: createTime };
  switch (reply.type) {
    case 'text':
      return buildXml({ ...head, MsgType: 'text', Content: reply.content });
    case 'image':
      return buildXml({ ...head, MsgType: 'image', Image: { MediaId: reply.mediaId } });
    case 'news':
      return buildXml({
        ...head,
        MsgType: 'news',
        ArticleCount: reply.articles.length,
        Articles: reply.articles.map((article) => ({
          Title: article.title,
          Description: article.description,
          PicUrl: article.picUrl ?? '',
          Url: article.url,
        })),
      });
  }
}

/** The safe-mode envelope around an encrypted reply, signed with its own msg_signature. */
export function buildEncryptedEnvelope(encrypt: string, signature: string, timestamp: string, nonce: string): string {
  return buildXml({ Encrypt: encrypt, MsgSignature: signature, TimeStamp: timestamp, Nonce: nonce });
}
