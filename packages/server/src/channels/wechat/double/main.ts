import { WechatDouble } from './server.js';

/**
 * Runs the WeChat API test double on its own, for demos without WeChat:
 *   node --import tsx packages/server/src/channels/wechat/double/main.ts
 * then start Huiliu with WECHAT_API_BASE and WECOM_API_BASE set to the printed address.
 * The AppID/CorpID and secret it accepts come from DOUBLE_APP_ID and DOUBLE_APP_SECRET.
 * It follows the public protocol and is not WeChat.
 */
const double = new WechatDouble();
double.registerApp(process.env.DOUBLE_APP_ID ?? 'wxdemo0000000001', process.env.DOUBLE_APP_SECRET ?? 'demo-app-secret');
const url = await double.start(Number(process.env.DOUBLE_PORT ?? 3901));
console.log(`WeChat API test double (not WeChat) listening at ${url}`);
const stop = () => void double.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
