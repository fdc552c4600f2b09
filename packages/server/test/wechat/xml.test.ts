import { describe, expect, it } from 'vitest';
import { decryptMessage } from '../../src/channels/wechat/crypto.js';
import {
  buildEncryptedEnvelope,
  buildPassiveReply,
  buildXml,
  parseWechatMessage,
  parseXml,
  WechatXmlError,
} from '../../src/channels/wechat/xml.js';

const head = (type: string) =>
  `<xml>\n<ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oUser]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[${type}]]></MsgType>\n`;

describe('WeChat XML', () => {
  it('parses the decrypted compatible-mode sample', () => {
    const xml = decryptMessage(
      'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      'wx2c2769f8efd9abc2',
      'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
    );
    expect(parseWechatMessage(xml)).toEqual({
      type: 'text',
      toUserName: 'gh_10f6c3c3ac5a',
      fromUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
      createTime: 1409735668,
      msgId: '6054768590064713728',
      content: 'abcdteT',
    });
  });

  it('parses every message type', () => {
    const tail = '<MsgId>1234567890123456789</MsgId>\n</xml>';
    expect(parseWechatMessage(`${head('text')}<Content><![CDATA[ 你好 & <b> ]]></Content>${tail}`)).toMatchObject({
      type: 'text',
      content: ' 你好 & <b> ',
      msgId: '1234567890123456789',
    });
    expect(
      parseWechatMessage(`${head('image')}<PicUrl><![CDATA[http://p/1.jpg]]></PicUrl><MediaId><![CDATA[m1]]></MediaId>${tail}`),
    ).toMatchObject({
      type: 'image',
      picUrl: 'http://p/1.jpg',
      mediaId: 'm1',
    });
    expect(parseWechatMessage(`${head('voice')}<MediaId><![CDATA[v1]]></MediaId><Format><![CDATA[amr]]></Format>${tail}`)).toEqual(
      expect.objectContaining({ type: 'voice', mediaId: 'v1', format: 'amr' }),
    );
    expect(
      parseWechatMessage(
        `${head('voice')}<MediaId><![CDATA[v1]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[我要退货]]></Recognition>${tail}`,
      ),
    ).toMatchObject({ type: 'voice', recognition: '我要退货' });
    for (const type of ['video', 'shortvideo']) {
      expect(
        parseWechatMessage(`${head(type)}<MediaId><![CDATA[d1]]></MediaId><ThumbMediaId><![CDATA[t1]]></ThumbMediaId>${tail}`),
      ).toMatchObject({
        type,
        mediaId: 'd1',
        thumbMediaId: 't1',
      });
    }
    expect(
      parseWechatMessage(
        `${head('location')}<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[广州市天河区]]></Label>${tail}`,
      ),
    ).toMatchObject({ type: 'location', latitude: 23.134521, longitude: 113.358803, scale: 20, label: '广州市天河区' });
    expect(
      parseWechatMessage(
        `${head('link')}<Title><![CDATA[标题]]></Title><Description><![CDATA[描述]]></Description><Url><![CDATA[https://e.cn/a]]></Url>${tail}`,
      ),
    ).toMatchObject({ type: 'link', title: '标题', description: '描述', url: 'https://e.cn/a' });
  });

  it('parses every event', () => {
    const event = (name: string, extra = '') => parseWechatMessage(`${head('event')}<Event><![CDATA[${name}]]></Event>${extra}</xml>`);
    expect(event('subscribe')).toEqual({ type: 'subscribe', toUserName: 'gh_10f6c3c3ac5a', fromUserName: 'oUser', createTime: 1409735668 });
    expect(event('subscribe', '<EventKey><![CDATA[qrscene_123]]></EventKey><Ticket><![CDATA[TK]]></Ticket>')).toMatchObject({
      type: 'subscribe',
      scene: '123',
      ticket: 'TK',
    });
    expect(event('unsubscribe')).toMatchObject({ type: 'unsubscribe' });
    expect(event('SCAN', '<EventKey><![CDATA[123]]></EventKey><Ticket><![CDATA[TK]]></Ticket>')).toMatchObject({
      type: 'scan',
      scene: '123',
      ticket: 'TK',
    });
    expect(event('CLICK', '<EventKey><![CDATA[ORDER_HELP]]></EventKey>')).toMatchObject({ type: 'click', key: 'ORDER_HELP' });
    expect(event('VIEW', '<EventKey><![CDATA[https://shop.example/]]></EventKey>')).toMatchObject({
      type: 'view',
      url: 'https://shop.example/',
    });
    expect(event('LOCATION')).toMatchObject({ type: 'other', msgType: 'event', event: 'LOCATION' });
  });

  it('refuses malformed documents with a typed error', () => {
    for (const bad of [
      '<xml><ToUserName>',
      'not xml at all',
      '<root><a>1</a></root>',
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x "y">]><xml><a>&x;</a></xml>',
      `${head('text')}</xml>`.replace('<CreateTime>1409735668</CreateTime>', ''),
      `${head('text')}<Content>x</Content></xml>`,
      '<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>x</CreateTime><MsgType>text</MsgType><MsgId>1</MsgId></xml>',
    ]) {
      expect(() => parseWechatMessage(bad), bad).toThrow(WechatXmlError);
    }
  });

  it('builds replies that parse back, CDATA terminators included', () => {
    const text = buildPassiveReply('oUser', 'gh_1', 1700000000, { type: 'text', content: '您好 ]]> <tag> & 再见' });
    expect(parseXml(text)).toEqual({
      ToUserName: 'oUser',
      FromUserName: 'gh_1',
      CreateTime: '1700000000',
      MsgType: 'text',
      Content: '您好 ]]> <tag> & 再见',
    });
    expect(parseXml(buildPassiveReply('o', 'g', 1, { type: 'image', mediaId: 'MID' }))).toMatchObject({
      MsgType: 'image',
      Image: { MediaId: 'MID' },
    });
    const news = parseXml(
      buildPassiveReply('o', 'g', 1, {
        type: 'news',
        articles: [
          { title: 'A', description: 'a', url: 'https://a' },
          { title: 'B', description: 'b', url: 'https://b', picUrl: 'https://b.png' },
        ],
      }),
    );
    expect(news).toMatchObject({ MsgType: 'news', ArticleCount: '2' });
    expect(news.Articles).toEqual({
      item: [
        { Title: 'A', Description: 'a', PicUrl: '', Url: 'https://a' },
        { Title: 'B', Description: 'b', PicUrl: 'https://b.png', Url: 'https://b' },
      ],
    });
    expect(parseXml(buildEncryptedEnvelope('ENC', 'SIG', '1', 'N'))).toEqual({
      Encrypt: 'ENC',
      MsgSignature: 'SIG',
      TimeStamp: '1',
      Nonce: 'N',
    });
    expect(buildXml({ A: 1, B: 'x' })).toBe('<xml><A>1</A><B><![CDATA[x]]></B></xml>');
  });
});
