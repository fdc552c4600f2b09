/** The demo shop's HTML (Chinese, like the demo data). Only the inbox key is interpolated. */
export function demoShopPage(inboxKey: string): string {
  const key = inboxKey.replace(/[^A-Za-z0-9_-]/g, '');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>汇流商城 · 演示</title>
<style>
  body { margin: 0; font-family: -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f2329; background: #f5f6f7; }
  header { background: #fff; border-bottom: 1px solid #e5e6eb; padding: 16px 24px; display: flex; justify-content: space-between; align-items: center; }
  header strong { font-size: 20px; color: #1677ff; }
  main { max-width: 960px; margin: 24px auto; padding: 0 16px; }
  .notice { background: #e8f3ff; border: 1px solid #bedaff; border-radius: 8px; padding: 12px 16px; margin-bottom: 24px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 16px; }
  .item { background: #fff; border-radius: 8px; padding: 16px; box-shadow: 0 1px 2px rgba(0,0,0,.06); }
  .item .pic { height: 120px; border-radius: 6px; background: linear-gradient(135deg, #c9e2ff, #f0f5ff); margin-bottom: 12px; }
  .price { color: #f53f3f; font-weight: 600; }
  footer { text-align: center; color: #86909c; padding: 32px; font-size: 13px; }
</style>
</head>
<body>
<header><strong>汇流商城</strong><span>我的订单 · 购物车 · <a href="/help/huiliu-shop">帮助中心</a></span></header>
<main>
  <div class="notice">这是汇流的演示页面：点击右下角的按钮，与客服聊天。客服可在控制台登录 agent1@huiliu.demo（密码 huiliu-demo）回复。</div>
  <div class="grid">
    <div class="item"><div class="pic"></div><div>汇流智能手环 9</div><div class="price">¥ 249</div></div>
    <div class="item"><div class="pic"></div><div>无线降噪耳机 Pro</div><div class="price">¥ 899</div></div>
    <div class="item"><div class="pic"></div><div>家用空气净化器</div><div class="price">¥ 1,299</div></div>
    <div class="item"><div class="pic"></div><div>便携咖啡机</div><div class="price">¥ 459</div></div>
  </div>
</main>
<footer>汇流商城 © 演示数据 · 7×24 小时在线客服</footer>
<script src="/widget.js" data-inbox-key="${key}" async></script>
</body>
</html>`;
}
