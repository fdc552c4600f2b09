import { describe, expect, it } from 'vitest';
import { CreateCannedResponseRequest, renderCannedText } from '../src/index.js';

describe('renderCannedText', () => {
  it('fills known variables, with or without spaces inside the braces', () => {
    const result = renderCannedText('{{customer.name}}您好，我是{{ agent.name }}，会话 #{{conversation.number}}', {
      'customer.name': '王芳',
      'agent.name': '张伟',
      'conversation.number': 1024,
    });
    expect(result).toEqual({ text: '王芳您好，我是张伟，会话 #1024', unknownVariables: [] });
  });

  it('leaves unknown variables visible and names them once; known ones without a value become empty', () => {
    const result = renderCannedText('{{customer.name}}您好，订单 {{order.id}} 已发货，{{order.id}}，邮箱 {{customer.email}}。', {
      'customer.name': null,
    });
    expect(result).toEqual({ text: '您好，订单 {{order.id}} 已发货，{{order.id}}，邮箱 。', unknownVariables: ['order.id'] });
  });

  it('leaves text that only looks like a variable alone', () => {
    const text = '价格 {{ }} 与 {single} 以及 {{1abc}} 和 {{customer.name';
    expect(renderCannedText(text, { 'customer.name': 'x' })).toEqual({ text, unknownVariables: [] });
  });

  it('does not interpret replacement patterns in values', () => {
    expect(renderCannedText('{{customer.name}}', { 'customer.name': '$& $1 $$' }).text).toBe('$& $1 $$');
  });
});

describe('canned response shortcuts', () => {
  it('are lower-cased and refuse spaces and slashes', () => {
    expect(CreateCannedResponseRequest.parse({ shortcut: 'Hi', title: 't', text: 'x' }).shortcut).toBe('hi');
    expect(CreateCannedResponseRequest.parse({ shortcut: '问候', title: 't', text: 'x' }).shortcut).toBe('问候');
    expect(CreateCannedResponseRequest.safeParse({ shortcut: 'a b', title: 't', text: 'x' }).success).toBe(false);
    expect(CreateCannedResponseRequest.safeParse({ shortcut: '/hi', title: 't', text: 'x' }).success).toBe(false);
  });
});
