import type { FaqEntry } from '../../src/modules/knowledge/retrieval/index.js';

/** A small hand-written Chinese e-commerce customer-service knowledge base (with some English). */
export const CUSTOMER_SERVICE_FAQ: readonly FaqEntry[] = [
  {
    id: 'return',
    question: '怎么申请退货？',
    similarQuestions: [
      '买的东西不想要了可以退吗',
      '七天无理由退货怎么操作',
      '商品有质量问题要退回去',
      '退货流程是什么',
      'how do i return an item',
    ],
  },
  {
    id: 'refund',
    question: '退款多久能到账？',
    similarQuestions: ['钱什么时候退回来', '退款一直没收到', '申请退款后几天到账', '退款进度在哪里查', 'when will i get my refund'],
  },
  {
    id: 'shipping-time',
    question: '下单后多久发货？',
    similarQuestions: ['什么时候能发货', '今天下单明天能发吗', '付款了怎么还不发货', '一般几天发出', 'how long does shipping take'],
  },
  {
    id: 'tracking',
    question: '怎么查看物流信息？',
    similarQuestions: ['快递到哪里了', '查一下我的快递单号', '物流一直没有更新', '包裹到哪了', 'track my package'],
  },
  {
    id: 'invoice',
    question: '怎么开发票？',
    similarQuestions: ['可以开增值税专用发票吗', '电子发票在哪里下载', '发票抬头写错了怎么办', '公司报销需要发票', 'can i get an invoice'],
  },
  {
    id: 'change-address',
    question: '下单后可以修改收货地址吗？',
    similarQuestions: ['地址填错了怎么改', '想换一个收货地址', '收件人电话写错了', 'change my delivery address'],
  },
  {
    id: 'cancel-order',
    question: '怎么取消订单？',
    similarQuestions: ['订单不想要了能取消吗', '拍错了怎么取消', '已付款的订单可以取消吗', 'cancel my order'],
  },
  {
    id: 'warranty',
    question: '商品保修期是多久？',
    similarQuestions: ['坏了可以免费维修吗', '保修需要什么凭证', '过了保修期还能修吗', 'is it under warranty'],
  },
  {
    id: 'points',
    question: '会员积分怎么使用？',
    similarQuestions: ['积分可以抵现金吗', '积分什么时候过期', '怎么查看我的积分', 'how do i use my reward points'],
  },
  {
    id: 'coupon',
    question: '优惠券怎么用？',
    similarQuestions: ['领的优惠券用不了', '优惠券可以叠加使用吗', '下单时怎么选优惠券', 'my coupon code does not work'],
  },
  {
    id: 'payment',
    question: '支持哪些付款方式？',
    similarQuestions: ['可以用微信支付吗', '能用信用卡付款吗', '支持花呗分期吗', '可以货到付款吗', 'what payment methods do you accept'],
  },
  {
    id: 'band-battery',
    question: '汇流手环9充一次电能用多久？',
    similarQuestions: ['汇流手环9续航怎么样', '汇流手环9电池不耐用', '汇流手环9充电要多久'],
    terms: ['汇流手环9'],
  },
  {
    id: 'mall-membership',
    question: '怎么成为汇流商城会员？',
    similarQuestions: ['汇流商城会员有什么权益', '汇流商城会员怎么开通', '汇流商城会员费多少钱'],
    terms: ['汇流商城'],
  },
];
