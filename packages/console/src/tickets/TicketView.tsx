import { HeldReplies } from '../reviews/HeldReplies';
import { isHeld, reviewKeys, useReviewUpdates } from '../reviews/data';
import { ArrowLeftOutlined, RiseOutlined, RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Collapse,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../lib/api';
import { useMembers, useMemberName, useTeams } from '../lib/directory';
import { errorText } from '../lib/errors';
import { useSession } from '../lib/session';
import { TicketAutomationLog } from '../automations/TicketAutomationLog';
import { SlaClocksCard, SlaHeaderBadge } from '../sla/SlaClocksCard';
import { slaKeys } from '../sla/data';
import { CustomFields } from './CustomFields';
import { TicketCsatCard } from './TicketCsat';
import { MergeButton, MergedBanner, TicketLinksCard } from './TicketLinks';
import { PRIORITIES, STATUS_COLORS, STATUSES, ticketKeys, useTicket, type Ticket, type TicketDetail } from './data';
import { ApplyMacro, type ApplyMacroHandle } from './macros/ApplyMacro';
import { ShortcutsHelp, useShortcuts } from './shortcuts';
import { neighbour } from './ticket-order';

type Patch = Partial<Pick<Ticket, 'status' | 'priority' | 'assigneeId' | 'teamId' | 'tags'>>;

/** One ticket: its thread and the linked conversations' transcripts, its fields, escalation and history. */
export function TicketView({ id }: { id: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const ticket = useTicket(id);
  const macro = useRef<ApplyMacroHandle>(null);
  const [help, setHelp] = useState(false);
  const go = (step: 1 | -1) => {
    const next = neighbour(id, step);
    if (next) void navigate(`/tickets/${next}`);
  };
  useShortcuts({
    j: () => go(1),
    k: () => go(-1),
    u: () => void navigate('/tickets'),
    m: () => macro.current?.focus(),
    '?': () => setHelp(true),
  });
  if (ticket.isError) return <Alert type="error" message={errorText(t, ticket.error)} />;
  if (!ticket.data) return <Card loading />;
  const data = ticket.data;
  return (
    <div>
      <Space style={{ marginBottom: 12 }} wrap>
        <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate('/tickets')}>
          {t('tickets.back')}
        </Button>
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="ticket-title">
          #{data.number} {data.subject}
        </Typography.Title>
        <Tag color={STATUS_COLORS[data.status]} data-testid="ticket-status">
          {t(`tickets.statuses.${data.status}`)}
        </Tag>
        <SlaHeaderBadge subject={{ type: 'ticket', id: data.id }} />
        <MergeButton ticket={data} />
        <ApplyMacro ref={macro} ticket={data} />
      </Space>
      <ShortcutsHelp scope="ticket" open={help} onClose={() => setHelp(false)} />
      <MergedBanner ticket={data} />
      {data.status === 'closed' && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('tickets.closedReadOnly')} />}
      {data.escalation && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('tickets.escalatedBanner', { reason: data.escalation.reason })}
        />
      )}
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <Thread ticket={data} />
        </Col>
        <Col xs={24} lg={8}>
          <Fields ticket={data} />
          <SlaClocksCard subject={{ type: 'ticket', id: data.id }} />
          <CustomFields ticket={data} />
          <TicketLinksCard ticket={data} />
          {(data.csat || data.status === 'solved' || data.status === 'closed') && <TicketCsatCard ticket={data} />}
          <Activity ticket={data} />
          <TicketAutomationLog ticketId={data.id} version={data.updatedAt} />
        </Col>
      </Row>
    </div>
  );
}

function useRefresh(id: string) {
  const { workspaceId } = useSession();
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: ticketKeys.detail(workspaceId, id) });
    void client.invalidateQueries({ queryKey: ['tickets', workspaceId, 'list'] });
    // A status or priority change pauses, resumes or retargets the clocks in the same transaction.
    void client.invalidateQueries({ queryKey: slaKeys.targets(workspaceId, { type: 'ticket', id }) });
  };
}

function Thread({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const { message } = App.useApp();
  const refresh = useRefresh(ticket.id);
  const client = useQueryClient();
  useReviewUpdates();
  const [visibility, setVisibility] = useState<'public' | 'internal'>('public');
  const [text, setText] = useState('');
  const send = useMutation({
    mutationFn: () => api.post<unknown>(`/workspaces/${workspaceId}/tickets/${ticket.id}/comments`, { visibility, text }),
    onSuccess: (answer) => {
      setText('');
      refresh();
      if (isHeld(answer)) {
        // Held by a review policy: it is no comment yet and nothing reached the customer.
        void message.info(t('reviews.held.submitted'));
        void client.invalidateQueries({ queryKey: reviewKeys.all(workspaceId) });
      } else void message.success(t('tickets.sent'));
    },
    onError: (error) => void message.error(errorText(t, error)),
  });
  const closed = ticket.status === 'closed';
  return (
    <Card size="small" title={t('tickets.thread')} style={{ marginBottom: 16 }}>
      {ticket.comments.length === 0 ? (
        <Empty description={t('tickets.noComments')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <div data-testid="ticket-thread" style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
          {ticket.comments.map((comment) => (
            <div
              key={comment.id}
              data-testid={`comment-${comment.visibility}`}
              style={{
                padding: '8px 12px',
                borderRadius: 6,
                background: comment.visibility === 'internal' ? '#fffbe6' : comment.authorType === 'customer' ? '#f5f5f5' : '#e6f4ff',
              }}
            >
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {comment.authorType === 'customer' ? t('tickets.customer') : (comment.authorName ?? '')}
                {' · '}
                {comment.visibility === 'internal' ? t('tickets.internal') : ''} {new Date(comment.createdAt).toLocaleString()}
              </Typography.Text>
              <div style={{ whiteSpace: 'pre-wrap' }}>{comment.text}</div>
            </div>
          ))}
        </div>
      )}
      <div style={{ marginTop: 8 }}>
        <HeldReplies ticketId={ticket.id} />
      </div>
      {!closed && (
        <div style={{ marginTop: 12 }}>
          <Radio.Group
            value={visibility}
            onChange={(event) => setVisibility(event.target.value as 'public' | 'internal')}
            optionType="button"
            size="small"
            options={[
              { value: 'public', label: t('tickets.public') },
              { value: 'internal', label: t('tickets.internal') },
            ]}
          />
          <Input.TextArea
            aria-label={visibility === 'public' ? t('tickets.public') : t('tickets.internal')}
            style={{ marginTop: 8, background: visibility === 'internal' ? '#fffbe6' : undefined }}
            autoSize={{ minRows: 3, maxRows: 8 }}
            value={text}
            placeholder={visibility === 'public' ? t('tickets.replyPlaceholder') : t('tickets.notePlaceholder')}
            onChange={(event) => setText(event.target.value)}
          />
          <Button type="primary" style={{ marginTop: 8 }} disabled={!text.trim()} loading={send.isPending} onClick={() => send.mutate()}>
            {t('tickets.send')}
          </Button>
        </div>
      )}
      {ticket.conversations.length > 0 && (
        <Collapse
          style={{ marginTop: 16 }}
          size="small"
          items={ticket.conversations.map((conversation) => ({
            key: conversation.id,
            label: t('tickets.transcript', { number: conversation.number }),
            children: (
              <div style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
                {conversation.messages
                  .filter((entry) => entry.kind !== 'event')
                  .map((entry) => (
                    <div key={entry.id} style={{ textAlign: entry.kind === 'in' ? 'left' : 'right' }}>
                      <Typography.Text type={entry.kind === 'note' ? 'warning' : undefined}>{entry.text}</Typography.Text>
                    </div>
                  ))}
              </div>
            ),
          }))}
        />
      )}
    </Card>
  );
}

function Fields({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const { workspaceId } = useSession();
  const { message } = App.useApp();
  const members = useMembers();
  const teams = useTeams();
  const refresh = useRefresh(ticket.id);
  const [escalateOpen, setEscalateOpen] = useState(false);
  const [handBackOpen, setHandBackOpen] = useState(false);
  const [escalateForm] = Form.useForm<{ teamId: string; reason: string; summary?: string }>();
  const [handBackForm] = Form.useForm<{ summary?: string }>();
  const base = `/workspaces/${workspaceId}/tickets/${ticket.id}`;
  const done = (text: string) => () => {
    refresh();
    void message.success(text);
  };
  const onError = (error: unknown) => void message.error(errorText(t, error));
  const patch = useMutation({ mutationFn: (body: Patch) => api.patch(base, body), onSuccess: done(t('tickets.saved')), onError });
  const escalate = useMutation({
    mutationFn: (body: { teamId: string; reason: string; summary?: string }) => api.post(`${base}/escalate`, body),
    onSuccess: (_, body) => {
      setEscalateOpen(false);
      escalateForm.resetFields();
      done(t('tickets.escalated', { team: teams.data?.find((team) => team.id === body.teamId)?.name ?? '' }))();
    },
    onError,
  });
  const handBack = useMutation({
    mutationFn: (body: { summary?: string }) => api.post(`${base}/hand-back`, body),
    onSuccess: () => {
      setHandBackOpen(false);
      handBackForm.resetFields();
      done(t('tickets.handedBack'))();
    },
    onError,
  });
  const closed = ticket.status === 'closed';
  const agents = (members.data ?? []).filter((member) => member.active);
  const teamOptions = (teams.data ?? []).map((team) => ({ value: team.id, label: team.name }));
  return (
    <Card size="small" style={{ marginBottom: 16 }}>
      <Form layout="vertical" size="small" disabled={closed || patch.isPending}>
        <Form.Item label={t('tickets.status')}>
          <Select
            aria-label={t('tickets.status')}
            value={ticket.status}
            onChange={(status) => patch.mutate({ status })}
            options={STATUSES.map((value) => ({
              value,
              label: t(`tickets.statuses.${value}`),
              disabled: value === 'closed' && ticket.status !== 'solved',
            }))}
          />
        </Form.Item>
        <Form.Item label={t('tickets.priority')}>
          <Select
            aria-label={t('tickets.priority')}
            value={ticket.priority}
            onChange={(priority) => patch.mutate({ priority })}
            options={PRIORITIES.map((value) => ({ value, label: t(`priorities.${value}`) }))}
          />
        </Form.Item>
        <Form.Item label={t('tickets.assignee')}>
          <Select
            aria-label={t('tickets.assignee')}
            showSearch={{ optionFilterProp: 'label' }}
            value={ticket.assigneeId ?? 'none'}
            onChange={(value) => patch.mutate({ assigneeId: value === 'none' ? null : value })}
            options={[
              { value: 'none', label: t('tickets.unassigned') },
              ...agents.map((member) => ({ value: member.userId, label: member.name })),
            ]}
          />
        </Form.Item>
        <Form.Item label={t('tickets.team')}>
          <Select
            aria-label={t('tickets.team')}
            value={ticket.teamId ?? 'none'}
            onChange={(value) => patch.mutate({ teamId: value === 'none' ? null : value })}
            options={[{ value: 'none', label: t('tickets.noTeam') }, ...teamOptions]}
          />
        </Form.Item>
        <Form.Item label={t('tickets.tags')}>
          <Select
            aria-label={t('tickets.tags')}
            mode="tags"
            value={ticket.tags}
            tokenSeparators={[',', '，']}
            onChange={(tags: string[]) => patch.mutate({ tags: [...new Set(tags.map((tag) => tag.trim()).filter(Boolean))] })}
          />
        </Form.Item>
      </Form>
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('tickets.type')}>{t(`tickets.types.${ticket.type}`)}</Descriptions.Item>
        <Descriptions.Item label={t('tickets.updatedAt')}>{new Date(ticket.updatedAt).toLocaleString()}</Descriptions.Item>
      </Descriptions>
      {!closed && (
        <Space wrap>
          <Button icon={<RiseOutlined />} onClick={() => setEscalateOpen(true)}>
            {t('tickets.escalate')}
          </Button>
          {ticket.escalation && (
            <Button icon={<RollbackOutlined />} onClick={() => setHandBackOpen(true)}>
              {t('tickets.handBack')}
            </Button>
          )}
        </Space>
      )}
      <Modal
        open={escalateOpen}
        title={t('tickets.escalateTitle', { number: ticket.number })}
        okText={t('tickets.escalate')}
        confirmLoading={escalate.isPending}
        onCancel={() => setEscalateOpen(false)}
        // A refused form shows its messages; the rejected promise is not an error.
        onOk={() =>
          void escalateForm.validateFields().then(
            (values) => escalate.mutate(values),
            () => undefined,
          )
        }
        destroyOnHidden
      >
        <Form form={escalateForm} layout="vertical">
          <Form.Item name="teamId" label={t('tickets.escalateTeam')} rules={[{ required: true, message: t('tickets.escalateTeam') }]}>
            <Select aria-label={t('tickets.escalateTeam')} options={teamOptions.filter((option) => option.value !== ticket.teamId)} />
          </Form.Item>
          <Form.Item
            name="reason"
            label={t('tickets.escalateReason')}
            rules={[{ required: true, whitespace: true, message: t('tickets.escalateReasonRequired') }]}
          >
            <Input aria-label={t('tickets.escalateReason')} maxLength={500} />
          </Form.Item>
          <Form.Item name="summary" label={t('tickets.escalateSummary')} extra={t('tickets.escalateSummaryHint')}>
            <Input.TextArea aria-label={t('tickets.escalateSummary')} autoSize={{ minRows: 3 }} maxLength={5000} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={handBackOpen}
        title={t('tickets.handBackTitle', { number: ticket.number })}
        okText={t('tickets.handBack')}
        confirmLoading={handBack.isPending}
        onCancel={() => setHandBackOpen(false)}
        onOk={() =>
          void handBackForm.validateFields().then(
            (values) => handBack.mutate(values),
            () => undefined,
          )
        }
        destroyOnHidden
      >
        <Form form={handBackForm} layout="vertical">
          <Form.Item name="summary" label={t('tickets.handBackSummary')}>
            <Input.TextArea aria-label={t('tickets.handBackSummary')} autoSize={{ minRows: 3 }} maxLength={5000} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function Activity({ ticket }: { ticket: TicketDetail }) {
  const { t } = useTranslation();
  const nameOf = useMemberName();
  const text = (event: TicketDetail['events'][number]) => {
    const data = event.data as Record<string, unknown>;
    const status = (value: unknown) => (typeof value === 'string' ? t(`tickets.statuses.${value}`, value) : '');
    switch (event.type) {
      case 'status_changed':
        return t('tickets.events.status_changed', { from: status(data.from), to: status(data.to) });
      case 'priority_changed':
        return t('tickets.events.priority_changed', { from: t(`priorities.${String(data.from)}`), to: t(`priorities.${String(data.to)}`) });
      case 'updated':
        return t('tickets.events.updated', { fields: Array.isArray(data.fields) ? data.fields.join(', ') : '' });
      case 'escalated':
        return t('tickets.events.escalated', { reason: String(data.reason ?? '') });
      case 'conversation_linked':
        return t('tickets.events.conversation_linked', { number: String(data.conversationNumber ?? '') });
      case 'follow_up':
        return t('tickets.events.follow_up', { number: String(data.followUpNumber ?? '') });
      case 'csat_rated':
        return t('ticketNotifications.csatEvent', { rating: String(data.rating ?? '') });
      case 'merged':
        return t('ticketLinks.events.merged', { number: String(data.intoNumber ?? '') });
      case 'merged_in':
        return t('ticketLinks.events.merged_in', { number: String(data.sourceNumber ?? '') });
      case 'linked':
      case 'unlinked':
        return t(`ticketLinks.events.${event.type}`, {
          number: String(data.number ?? ''),
          type: t(`ticketLinks.types.${String(data.type)}`, String(data.type)),
        });
      default:
        return t(`tickets.events.${event.type}`);
    }
  };
  return (
    <Card size="small" title={t('tickets.history')}>
      <Timeline
        items={ticket.events.map((event) => ({
          key: event.id,
          children: (
            <div>
              <Typography.Text strong>
                {event.actorType === 'customer' ? t('tickets.customer') : (event.actorName ?? nameOf(event.actorId) ?? '')}
              </Typography.Text>{' '}
              {text(event)}
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {new Date(event.createdAt).toLocaleString()}
                </Typography.Text>
              </div>
            </div>
          ),
        }))}
      />
    </Card>
  );
}
