import { formatBytes } from '../format.js';
import { t } from '../i18n.js';
import type { Attachment } from '../types.js';
import { FileIcon } from './icons.js';

/** A picture as a thumbnail that opens full size; any other file as a download link with its name and size. */
export function AttachmentView({ attachment, resolveUrl }: { attachment: Attachment; resolveUrl: (url: string) => string | null }) {
  const url = resolveUrl(attachment.url);
  const size = formatBytes(attachment.size);
  if (!url) return <span class="file">{attachment.name}</span>;
  if (attachment.contentType.startsWith('image/')) {
    return (
      <a class="picture" href={url} target="_blank" rel="noopener noreferrer" aria-label={t('openImage', { name: attachment.name })}>
        <img src={url} alt={attachment.name} loading="lazy" />
      </a>
    );
  }
  return (
    <a
      class="file"
      href={url}
      target="_blank"
      rel="noopener noreferrer"
      download={attachment.name}
      aria-label={t('download', { name: attachment.name, size })}
    >
      <FileIcon />
      <span class="file-name">{attachment.name}</span>
      <span class="file-size">{size}</span>
    </a>
  );
}
