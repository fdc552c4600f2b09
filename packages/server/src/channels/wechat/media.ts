import type { Attachment } from '@huiliu/contracts';
import type { AppContext } from '../../platform/context.js';
import { storeReceivedFile } from '../../modules/files/service.js';
import type { WechatAccount } from './accounts.js';
import type { WechatApi } from './api.js';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'audio/amr': 'amr',
  'audio/speex': 'speex',
  'audio/mpeg': 'mp3',
  'video/mp4': 'mp4',
};

/**
 * Fetches an inbound image, voice or video by media_id and stores it as an attachment. A
 * failure is logged (by the API client) and leaves the message without it: the text still lands.
 */
export async function fetchInboundMedia(
  ctx: AppContext,
  api: WechatApi,
  account: WechatAccount,
  mediaId: string,
  kind: 'image' | 'voice' | 'video',
): Promise<Attachment | undefined> {
  try {
    const path = account.row.kind === 'wecom' ? '/cgi-bin/media/get' : '/cgi-bin/media/get';
    const { bytes, contentType } = await api.download(account, path, { media_id: mediaId });
    const extension = EXTENSIONS[contentType] ?? 'bin';
    return await storeReceivedFile(ctx.db, ctx.storage, {
      workspaceId: account.inbox.workspaceId,
      uploadedBy: `channel:${account.inbox.id}`,
      fileName: `${kind}-${mediaId.slice(0, 12).replace(/[^A-Za-z0-9_-]/g, '')}.${extension}`,
      contentType,
      bytes,
    });
  } catch (error) {
    ctx.logger.warn({ err: error, inboxId: account.inbox.id }, 'WeChat media could not be fetched');
    return undefined;
  }
}
