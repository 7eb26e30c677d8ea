/**
 * A read-only code sample with a Copy button. The code is a text node (never parsed as HTML);
 * Copy uses the clipboard API and, where that is missing or refused, selects the text instead
 * so Ctrl+C / ⌘C finishes the job.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n.ts';

interface CodeBlockProps {
  code: string;
  /** What the code is, for the copy button and the region's name: "embed snippet". */
  label: string;
  testId?: string;
}

type CopyState = 'idle' | 'copied' | 'selected';

export function CodeBlock({ code, label, testId }: CodeBlockProps) {
  const codeRef = useRef<HTMLElement>(null);
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const show = (next: CopyState) => {
    setState(next);
    if (timer.current) clearTimeout(timer.current);
    if (next === 'copied') timer.current = setTimeout(() => setState('idle'), 2500);
  };

  const selectText = () => {
    const element = codeRef.current;
    const selection = window.getSelection();
    if (!element || !selection) return;
    const range = document.createRange();
    range.selectNodeContents(element);
    selection.removeAllRanges();
    selection.addRange(range);
  };

  const copy = async () => {
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(code);
      show('copied');
    } catch {
      selectText();
      show('selected');
    }
  };

  return (
    <div class="code-block" data-testid={testId}>
      <pre class="code" tabIndex={0} aria-label={label}>
        <code ref={codeRef} data-testid={testId ? `${testId}-code` : undefined}>
          {code}
        </code>
      </pre>
      <div class="code-actions">
        <button type="button" class="button small" data-testid={testId ? `${testId}-copy` : undefined} data-copy-state={state} onClick={() => void copy()}>
          {state === 'copied' ? t('code.copied') : t('code.copy')}
          <span class="visually-hidden"> the {label}</span>
        </button>
        <span class="hint" role="status">
          {state === 'copied' ? t('code.onClipboard', { label }) : state === 'selected' ? t('code.noClipboard') : ''}
        </span>
      </div>
    </div>
  );
}
