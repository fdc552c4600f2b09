const FALLBACK_COLOR = '#1677ff';

/** The inbox colour, if it is a plain hex colour; it goes into CSS, so nothing else is let through. */
export function themeColor(color: string | undefined): string {
  return color && /^#[0-9a-f]{6}$/i.test(color) ? color : FALLBACK_COLOR;
}

/** White or near-black text, whichever reads better on the theme colour (WCAG relative luminance). */
export function textColorOn(hex: string): string {
  const channel = (offset: number) => {
    const value = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  // Contrast with white is (1.05)/(L+0.05); with #1f2329 (L≈0.017) it is (L+0.05)/0.067.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.067 ? '#ffffff' : '#1f2329';
}
