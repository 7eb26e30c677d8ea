/**
 * A piece of the shopper widget drawn inside the console with the widget's own stylesheet, in
 * its own Shadow DOM root like on a shop's page, so previews look exactly like the widget and
 * the console's styles cannot leak in. The stylesheet is adopted (CSSOM), not a <style>
 * element, because the console's CSP allows no inline styles.
 */
import { type ComponentChildren, render } from 'preact';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import widgetStyles from '../../../widget/app/styles.css?inline';
import { inkOnWhite, textOn } from '../../../widget/app/theme.ts';
import { safeHexColor } from '../format.ts';

const DEFAULT_WIDGET_COLOR = '#1f6f5c';

/** The widget's colour variables for a theme colour, exactly as the widget derives them; the default colour for anything but #rrggbb. */
export function widgetThemeStyle(color: string | undefined): Record<string, string> {
  const shown = color && safeHexColor(color) && /^#[0-9a-f]{6}$/i.test(color) ? color : DEFAULT_WIDGET_COLOR;
  return { '--accent': shown, '--accent-text': textOn(shown), '--accent-ink': inkOnWhite(shown) };
}

/** The widget pins its host to a corner of the page (`:host` rules); a preview sits in the flow. */
const PREVIEW_RULES = `
.kefu { align-items: stretch; }
.kefu.left { align-items: stretch; }
.panel { width: 100%; height: auto; max-height: none; }
.messages { overflow: visible; }
.launcher { align-self: flex-end; cursor: default; }
.kefu.left .launcher { align-self: flex-start; }
`;

let sheet: CSSStyleSheet | null = null;
function widgetSheet(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(widgetStyles.replace(/:host[^{]*\{[^}]*\}/g, '') + PREVIEW_RULES);
  }
  return sheet;
}

interface WidgetFrameProps {
  children: ComponentChildren;
  /** What the preview shows, for screen readers. */
  label: string;
  testId?: string;
}

export function WidgetFrame({ children, label, testId }: WidgetFrameProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const mountRef = useRef<HTMLDivElement | null>(null);

  useLayoutEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    if (!mountRef.current) {
      const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
      root.adoptedStyleSheets = [widgetSheet()];
      mountRef.current = document.createElement('div');
      root.appendChild(mountRef.current);
    }
    render(<>{children}</>, mountRef.current);
  });
  useEffect(
    () => () => {
      if (mountRef.current) render(null, mountRef.current);
    },
    [],
  );

  return <div ref={hostRef} class="widget-frame" role="group" aria-label={label} data-testid={testId} />;
}
