/**
 * Boots the chat app that the loader injected: mounts it in a Shadow DOM root (so the shop's
 * CSS cannot reach in and ours cannot leak out) and replaces the loader's command queue with
 * the real `window.kefu` dispatcher, replaying the calls made before load.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ChatWidget } from './ChatWidget.tsx';
import { ChatConnection } from './connection.ts';
import { detectLocale, phrasesFor } from './i18n.ts';
import styles from './styles.css?inline';

interface KefuBoot {
  site: string;
  base: string;
}

type Command = [string, ...unknown[]];

const globals = window as unknown as { kefu?: ((...args: unknown[]) => void) & { q?: unknown[][] }; __kefuBoot?: KefuBoot; __kefuApp?: boolean };

function storageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function boot(config: KefuBoot): void {
  if (globals.__kefuApp) return;
  globals.__kefuApp = true;

  const host = document.createElement('kefu-widget');
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = styles;
  root.appendChild(style);
  const mount = document.createElement('div');
  root.appendChild(mount);
  document.body.appendChild(host);

  const locale = detectLocale(document, navigator);
  const connection = new ChatConnection({ site: config.site, base: config.base, locale, storage: storageOrNull() });
  // A returning shopper reconnects at once, so replies that arrived meanwhile show up.
  if (connection.hasConversation) connection.start();

  let setOpen: (open: boolean) => void = () => {};
  const commands: Record<string, (...args: unknown[]) => void> = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!currentOpen),
  };
  let currentOpen = false;

  function App() {
    const [open, setOpenState] = useState(false);
    currentOpen = open;
    useEffect(() => {
      setOpen = setOpenState;
      drain();
    }, []);
    return <ChatWidget connection={connection} phrases={phrasesFor(locale)} open={open} onToggle={setOpenState} />;
  }

  const dispatch = (...args: unknown[]) => {
    const [name, ...rest] = args as Command;
    const command = commands[name];
    if (command) command(...rest);
    else console.warn(`kefu: unknown command "${String(name)}"`);
  };
  const drain = () => {
    const queued = globals.kefu?.q ?? [];
    globals.kefu = dispatch;
    for (const args of queued) dispatch(...args);
  };

  render(<App />, mount);
}

if (globals.__kefuBoot) boot(globals.__kefuBoot);
else console.error('kefu: load the widget through loader.js (see the README snippet).');
