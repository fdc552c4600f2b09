/** The demo shop's (汇流商城) knowledge base: FAQs the bot answers from, and help-center articles. */

export interface DemoFaq {
  category: string;
  question: string;
  similar: string[];
  answer: string;
  terms?: string[];
}

export const DEMO_FAQS: readonly DemoFaq[] = [
  {
    category: '退货退款',
    question: '怎么申请退货？',
    similar: [
      '买的东西不想要了可以退吗',
      '七天无理由退货怎么操作',
      '商品有质量问题要退回去',
      '退货流程是什么',
      '我要退货',
      'how do i return an item',
    ],
    answer:
      '签收后 7 天内可申请无理由退货：打开 **我的订单 → 申请售后 → 退货**，填写原因并寄回商品即可。质量问题的运费由我们承担。详见 [退货政策](/help/demo)。',
  },
  {
    category: '退货退款',
    question: '退款多久能到账？',
    similar: ['钱什么时候退回来', '退款一直没收到', '申请退款后几天到账', '退款进度在哪里查', 'when will i get my refund'],
    answer: '仓库收到退货并验收后 1–3 个工作日内退款；原路退回，微信/支付宝一般当天到账，银行卡 3–5 个工作日。',
  },
  {
    category: '退货退款',
    question: '换货怎么操作？',
    similar: ['尺码不合适能换吗', '想换个颜色', '收到的商品型号不对要换', '可以换货吗'],
    answer: '在 **我的订单 → 申请售后 → 换货** 中选择新的规格，寄回原商品后我们会尽快发出新商品。',
  },
  {
    category: '发货物流',
    question: '下单后多久发货？',
    similar: ['什么时候能发货', '今天下单明天能发吗', '付款了怎么还不发货', '一般几天发出', 'how long does shipping take'],
    answer: '现货商品 16:00 前付款当天发货，之后次日发货；预售商品以商品页写明的时间为准。',
  },
  {
    category: '发货物流',
    question: '怎么查看物流信息？',
    similar: ['快递到哪里了', '查一下我的快递单号', '物流一直没有更新', '包裹到哪了', '我的快递到哪了', 'track my package'],
    answer: '在 **我的订单** 中点击对应订单的 **查看物流** 即可看到快递单号和实时轨迹。',
  },
  {
    category: '发货物流',
    question: '默认发什么快递？',
    similar: ['用的是哪家快递', '能发顺丰吗', '可以指定快递公司吗', '发中通还是圆通'],
    answer: '默认发中通快递；需要顺丰可在下单时选择“顺丰加急”，补差价 10 元。',
  },
  {
    category: '发货物流',
    question: '下单后可以修改收货地址吗？',
    similar: ['地址填错了怎么改', '想换一个收货地址', '收件人电话写错了', 'change my delivery address'],
    answer: '订单发货前可在 **订单详情 → 修改地址** 自行修改；已发货的订单请联系快递改派或转人工处理。',
  },
  {
    category: '发票',
    question: '怎么开发票？',
    similar: ['可以开增值税专用发票吗', '电子发票在哪里下载', '公司报销需要发票', '能开发票吗', 'can i get an invoice'],
    answer: '确认收货后，在 **订单详情 → 申请发票** 填写抬头和税号，电子发票 24 小时内发到您的邮箱；专票请填写完整的开票信息。',
  },
  {
    category: '发票',
    question: '发票抬头写错了怎么办？',
    similar: ['发票信息填错了', '发票要重开', '税号写错了能改吗', '换开发票'],
    answer: '电子发票可在 **订单详情 → 发票 → 申请换开** 中修改抬头或税号后重新开具，原发票会自动作废。',
  },
  {
    category: '优惠活动',
    question: '优惠券怎么用？',
    similar: ['领的优惠券用不了', '下单时怎么选优惠券', '优惠券在哪里', 'my coupon code does not work'],
    answer: '下单结算时系统会自动选择最优的优惠券，也可以在 **结算页 → 优惠券** 中手动选择。请注意券的使用门槛和有效期。',
  },
  {
    category: '优惠活动',
    question: '优惠券可以叠加使用吗？',
    similar: ['两张券能一起用吗', '满减和优惠券能同时用吗', '店铺券和平台券叠加'],
    answer: '每笔订单可同时使用一张店铺券和一张平台券；同类优惠券不可叠加。',
  },
  {
    category: '优惠活动',
    question: '买贵了可以退差价吗？',
    similar: ['刚买就降价了', '价格保护怎么申请', '降价了能补差价吗', '保价'],
    answer: '下单后 7 天内降价可申请价格保护：在 **订单详情 → 价格保护** 中一键申请，差价退回原支付账户。',
  },
  {
    category: '会员积分',
    question: '会员积分怎么使用？',
    similar: ['积分可以抵现金吗', '怎么查看我的积分', '积分有什么用', 'how do i use my reward points'],
    answer: '100 积分可抵 1 元，结算时勾选“使用积分”即可；积分可在 **我的 → 积分** 查看。',
  },
  {
    category: '会员积分',
    question: '积分什么时候过期？',
    similar: ['积分有效期多久', '积分会清零吗', '年底积分作废吗'],
    answer: '积分自获得之日起 12 个月有效，到期前 30 天会短信提醒您。',
  },
  {
    category: '会员积分',
    question: '怎么成为汇流商城会员？',
    similar: ['汇流商城会员有什么权益', '汇流商城会员怎么开通', '汇流商城会员费多少钱', '开通会员'],
    answer: '注册即为普通会员；年消费满 2000 元自动升级为金卡会员，享 95 折和免费退货运费。',
    terms: ['汇流商城'],
  },
  {
    category: '支付',
    question: '支持哪些付款方式？',
    similar: ['可以用微信支付吗', '能用信用卡付款吗', '支持花呗分期吗', '可以货到付款吗', 'what payment methods do you accept'],
    answer: '支持微信支付、支付宝、银联卡和信用卡；花呗分期在支付宝收银台选择；暂不支持货到付款。',
  },
  {
    category: '支付',
    question: '付款失败怎么办？',
    similar: ['支付不成功', '扣款了订单还显示未付款', '付不了钱', '支付一直失败'],
    answer: '请确认余额或银行卡限额后重试；若已扣款但订单未付款，款项会在 1–3 个工作日内自动退回。',
  },
  {
    category: '订单',
    question: '怎么取消订单？',
    similar: ['订单不想要了能取消吗', '拍错了怎么取消', '已付款的订单可以取消吗', 'cancel my order'],
    answer: '未发货的订单可在 **订单详情 → 取消订单** 直接取消，货款原路退回；已发货的订单请在收货后申请退货。',
  },
  {
    category: '售后保修',
    question: '商品保修期是多久？',
    similar: ['坏了可以免费维修吗', '保修需要什么凭证', '过了保修期还能修吗', 'is it under warranty'],
    answer: '数码产品保修 1 年，大家电保修 3 年，凭订单号即可保修，无需纸质发票。',
  },
  {
    category: '售后保修',
    question: '汇流手环9充一次电能用多久？',
    similar: ['汇流手环9续航怎么样', '汇流手环9电池不耐用', '汇流手环9充电要多久'],
    answer: '汇流手环9 典型使用续航约 14 天，重度使用约 9 天；充满电约需 1 小时。',
    terms: ['汇流手环9'],
  },
];

export interface DemoArticle {
  category: string;
  title: string;
  body: string;
}

export const DEMO_ARTICLES: readonly DemoArticle[] = [
  {
    category: '退货退款',
    title: '退货政策',
    body: '## 七天无理由退货\n\n签收后 7 天内，商品完好即可申请无理由退货。\n\n- 质量问题：运费由汇流商城承担\n- 非质量问题：运费由您承担\n\n在 **我的订单 → 申请售后** 中提交申请。',
  },
  {
    category: '发货物流',
    title: '发货与配送说明',
    body: '## 发货时间\n\n现货商品 16:00 前付款当天发货。\n\n## 快递\n\n默认中通快递，可选顺丰加急。',
  },
  {
    category: '发票',
    title: '发票开具指南',
    body: '确认收货后在 **订单详情 → 申请发票** 填写抬头与税号，电子发票 24 小时内发送到邮箱。',
  },
];
