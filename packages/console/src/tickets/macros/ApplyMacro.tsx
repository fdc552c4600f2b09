import { ThunderboltOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Modal, Select, Space, Spin, Typography, type RefSelectProps } from 'antd';
import { forwardRef, useImperativeHandle, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { useMemberName, useTeams } from '../../lib/directory';
import { errorText } from '../../lib/errors';
import { useSession } from '../../lib/session';
import { ticketKeys, type Ticket, type TicketDetail } from '../data';
import { useMacros, type Macro } from '../views-data';
import { describeActions } from './macro-draft';
import '../views-macros-locale';

interface Preview {
  replies: string[];
  notes: string[];
  unknownVariables: string[];
}

export interface ApplyMacroHandle {
  /** Puts the focus in the macro picker (the `m` shortcut). */
  focus(): void;
}

/**
 * The ticket page's "apply macro": pick one, see what it will do with the texts filled in for
 * this ticket (the server's preview, nothing changed yet), then apply it all in one step.
 */
export const ApplyMacro = forwardRef<ApplyMacroHandle, { ticket: TicketDetail }>(function ApplyMacro({ ticket }, ref) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const macros = useMacros(false);
  const nameOf = useMemberName();
  const teams = useTeams();
  const select = useRef<RefSelectProps>(null);
  const [chosen, setChosen] = useState<Macro | null>(null);
  useImperativeHandle(ref, () => ({ focus: () => select.current?.focus() }), []);
  const base = `/workspaces/${workspaceId}/tickets/${ticket.id}`;
  const preview = useQuery({
    queryKey: ['macro-preview', workspaceId, ticket.id, chosen?.id, ticket.updatedAt],
    enabled: !!chosen,
    queryFn: () => api.get<Preview>(`${base}/macros/${chosen!.id}/preview`),
  });
  const apply = useMutation({
    mutationFn: (macro: Macro) => api.post<Ticket>(`${base}/apply-macro`, { macroId: macro.id }),
    onSuccess: (_, macro) => {
      void message.success(t('ticketViews.macros.applied', { name: macro.name }));
      setChosen(null);
      void client.invalidateQueries({ queryKey: ticketKeys.all(workspaceId) });
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  if (ticket.status === 'closed') return null;
  const names = {
    member: (id: string) => nameOf(id) ?? id,
    team: (id: string) => teams.data?.find((team) => team.id === id)?.name ?? id,
  };
  return (
    <>
      <Select<string>
        ref={select}
        aria-label={t('ticketViews.macros.apply')}
        placeholder={
          <span>
            <ThunderboltOutlined /> {t('ticketViews.macros.apply')}
          </span>
        }
        style={{ width: 200 }}
        value={chosen?.id}
        showSearch={{ optionFilterProp: 'label' }}
        loading={macros.isPending}
        onChange={(id) => setChosen(macros.data?.find((macro) => macro.id === id) ?? null)}
        options={(macros.data ?? []).map((macro) => ({ value: macro.id, label: macro.name }))}
        data-testid="apply-macro"
      />
      <Modal
        open={!!chosen}
        title={chosen ? t('ticketViews.macros.previewTitle', { name: chosen.name }) : ''}
        onCancel={() => setChosen(null)}
        onOk={() => chosen && apply.mutate(chosen)}
        okText={t('ticketViews.macros.confirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ disabled: !preview.data, loading: apply.isPending }}
        width={600}
      >
        {chosen && (
          <div data-testid="macro-preview">
            <Typography.Paragraph type="secondary">{t('ticketViews.macros.previewHint')}</Typography.Paragraph>
            <ul>
              {describeActions(chosen.actions, t, names).map((line, index) => (
                <li key={index}>{line}</li>
              ))}
            </ul>
            {preview.isPending && <Spin />}
            {preview.isError && <Alert type="error" showIcon title={errorText(t, preview.error)} />}
            {preview.data && (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {preview.data.notes.map((text, index) => (
                  <div key={`note-${index}`}>
                    <Typography.Text strong>{t('ticketViews.macros.previewNote')}</Typography.Text>
                    <div style={{ background: '#fffbe6', borderRadius: 6, padding: 8, whiteSpace: 'pre-wrap' }}>{text}</div>
                  </div>
                ))}
                {preview.data.replies.map((text, index) => (
                  <div key={`reply-${index}`}>
                    <Typography.Text strong>{t('ticketViews.macros.previewReply')}</Typography.Text>
                    <div
                      style={{ background: '#f0f5ff', borderRadius: 6, padding: 8, whiteSpace: 'pre-wrap' }}
                      data-testid="macro-preview-reply"
                    >
                      {text}
                    </div>
                  </div>
                ))}
                {preview.data.unknownVariables.length > 0 && (
                  <Alert
                    type="warning"
                    showIcon
                    title={t('ticketViews.macros.unknownVariables', { variables: preview.data.unknownVariables.join(' ') })}
                  />
                )}
              </Space>
            )}
          </div>
        )}
      </Modal>
    </>
  );
});
