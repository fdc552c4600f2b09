/**
 * The one place WeChat credentials are sealed for storage and opened for use. Today it stores
 * them as they are (the database is the trust boundary, and the API never returns them); when
 * secrets get encryption at rest, only these two functions change.
 */
export interface WechatSecrets {
  appSecret: string;
  token: string;
  encodingAESKey: string;
}

export function sealSecrets(secrets: WechatSecrets): Record<string, string> {
  return { appSecret: secrets.appSecret, token: secrets.token, encodingAESKey: secrets.encodingAESKey };
}

export function openSecrets(sealed: Record<string, string>): WechatSecrets {
  return { appSecret: sealed.appSecret ?? '', token: sealed.token ?? '', encodingAESKey: sealed.encodingAESKey ?? '' };
}
