import type { TicketFieldOption } from '@huiliu/contracts';

/**
 * Options as the admin types them: one per line, `value | 中文 | English` (labels default to the
 * value); a cascader's levels are joined with `/` — `广东省/深圳市 | 深圳市 | Shenzhen`.
 */
export function parseOptions(text: string): TicketFieldOption[] {
  const roots: TicketFieldOption[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [path = '', zh, en] = line.split('|').map((part) => part.trim());
    const steps = path
      .split('/')
      .map((step) => step.trim())
      .filter(Boolean);
    let level = roots;
    steps.forEach((step, index) => {
      let option = level.find((candidate) => candidate.value === step);
      if (!option) {
        const last = index === steps.length - 1;
        option = { value: step, label: { 'zh-CN': (last && zh) || step, en: (last && en) || (last && zh) || step } };
        level.push(option);
      } else if (index === steps.length - 1 && zh) option.label = { 'zh-CN': zh, en: en || zh };
      level = option.children ??= [];
    });
  }
  const prune = (options: TicketFieldOption[]) =>
    options.map((option): TicketFieldOption =>
      option.children?.length ? { ...option, children: prune(option.children) } : { value: option.value, label: option.label },
    );
  return prune(roots);
}

export function optionsText(options: TicketFieldOption[], prefix = ''): string {
  return options
    .flatMap((option) => {
      const path = prefix ? `${prefix}/${option.value}` : option.value;
      const line = `${path} | ${option.label['zh-CN']} | ${option.label.en}`;
      return option.children?.length ? [line, optionsText(option.children, path)] : [line];
    })
    .join('\n');
}
