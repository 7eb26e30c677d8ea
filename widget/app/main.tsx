/**
 * Boots the chat app that the loader injected: mounts it in a Shadow DOM root (so the shop's
 * CSS cannot reach in and ours cannot leak out) and replaces the loader's command queue with
 * the real `window.kefu(command, ...args)`, replaying the calls made before load.
 *
 * Commands: open, close, toggle, identify({id, name, email, vip, userHash, profileHash}), setLocale('en'|'zh'),
 * on('message'|'open'|'close'|'handoff', fn), shutdown().
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Identity, WidgetConfig } from '../../protocol/visitor.ts';
import { ChatWidget } from './ChatWidget.tsx';
import { ChatConnection, type ChatEvent } from './connection.ts';
import { detectLocale, phrasesFor, type WidgetLocale } from './i18n.ts';
import styles from './styles.css?inline';

interface KefuBoot {
  site: string;
  base: string;
}

type PageEvent = 'message' | 'open' | 'close' | 'handoff';

const globals = window as unknown as { kefu?: ((...args: unknown[]) => void) & { q?: unknown[][] }; __kefuBoot?: KefuBoot; __kefuApp?: boolean };

function storageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

async function loadConfig(config: KefuBoot): Promise<WidgetConfig | null> {
  try {
    const response = await fetch(new URL(`../v1/widget/config?site=${encodeURIComponent(config.site)}`, config.base), { credentials: 'omit' });
    return response.ok ? ((await response.json()) as WidgetConfig) : null;
  } catch {
    return null;
  }
}

/** Reports navigation, including single-page apps that change the URL through the History API. */
function watchNavigation(onChange: () => void): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, 300);
  };
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      changed();
      return result;
    };
  }
  window.addEventListener('popstate', changed);
  window.addEventListener('hashchange', changed);
  new MutationObserver(changed).observe(document.querySelector('title') ?? document.head, { childList: true, subtree: true, characterData: true });
}

function boot(boot: KefuBoot): void {
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

  let locale: WidgetLocale = detectLocale(document, navigator);
  const connection = new ChatConnection({ site: boot.site, base: boot.base, locale, storage: storageOrNull() });
  const pageListeners: Record<PageEvent, Set<(payload?: unknown) => void>> = { message: new Set(), open: new Set(), close: new Set(), handoff: new Set() };
  const fire = (event: PageEvent, payload?: unknown) => {
    for (const listener of pageListeners[event]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`kefu: a "${event}" listener threw`, error);
      }
    }
  };
  connection.onEvent((event: ChatEvent) => {
    if (event.type === 'message' && event.message.author !== 'shopper') fire('message', { ...event.message });
    if (event.type === 'state' && (event.state === 'queued' || event.state === 'agent' || event.state === 'offline')) fire('handoff', { state: event.state });
  });
  watchNavigation(() => connection.pageChanged());

  // Commands can arrive before Preact has mounted; they wait in this small state holder.
  let setOpen: (open: boolean) => void = (open) => (initialOpen = open);
  let initialOpen = false;
  let currentOpen = false;
  let setAppLocale: (locale: WidgetLocale) => void = () => {};

  const commands: Record<string, (...args: unknown[]) => void> = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!currentOpen),
    identify: (identity) => {
      if (typeof identity !== 'object' || identity === null) return console.warn('kefu: identify needs an object');
      const { id, name, email, vip, userHash, profileHash } = identity as Record<string, unknown>;
      const clean: Identity = {};
      if (id !== undefined) clean.id = String(id);
      if (typeof name === 'string' && name.trim()) clean.name = name.trim().slice(0, 80);
      if (typeof email === 'string' && email.trim()) clean.email = email.trim();
      if (typeof vip === 'boolean') clean.vip = vip;
      if (typeof userHash === 'string') clean.userHash = userHash;
      if (typeof profileHash === 'string') clean.profileHash = profileHash;
      connection.identify(clean);
      if (connection.hasConversation) connection.start();
    },
    setLocale: (next) => {
      if (next !== 'en' && next !== 'zh') return console.warn('kefu: setLocale takes "en" or "zh"');
      locale = next;
      connection.setLocale(next);
      setAppLocale(next);
    },
    on: (event, listener) => {
      if (typeof listener !== 'function' || !(String(event) in pageListeners)) return console.warn(`kefu: cannot listen to "${String(event)}"`);
      pageListeners[event as PageEvent].add(listener as (payload?: unknown) => void);
    },
    shutdown: () => {
      setOpen(false);
      connection.shutdown();
    },
  };

  function App({ config }: { config: WidgetConfig | null }) {
    const [open, setOpenState] = useState(initialOpen);
    const [appLocale, setLocaleState] = useState<WidgetLocale>(locale);
    currentOpen = open;
    useEffect(() => {
      setOpen = (next) => setOpenState(next);
      setAppLocale = setLocaleState;
    }, []);
    useEffect(() => {
      fire(open ? 'open' : 'close');
      // On a phone the panel covers the page: stop the page scrolling behind it.
      const narrow = window.matchMedia('(max-width: 480px)').matches;
      if (!open || !narrow) return;
      const previous = [document.documentElement.style.overflow, document.body.style.overflow];
      document.documentElement.style.overflow = 'hidden';
      document.body.style.overflow = 'hidden';
      return () => {
        [document.documentElement.style.overflow, document.body.style.overflow] = previous;
      };
    }, [open]);
    return <ChatWidget connection={connection} phrases={phrasesFor(appLocale)} locale={appLocale} config={config} open={open} onToggle={setOpenState} />;
  }

  const dispatch = (...args: unknown[]) => {
    const [name, ...rest] = args;
    const command = commands[String(name)];
    if (command) command(...rest);
    else console.warn(`kefu: unknown command "${String(name)}"`);
  };
  // Replay what the page queued before we loaded, then take over window.kefu.
  const queued = globals.kefu?.q ?? [];
  globals.kefu = dispatch;
  for (const args of queued) dispatch(...args);

  // A returning shopper reconnects at once, so replies that arrived meanwhile show up.
  if (connection.hasConversation) connection.start();
  void loadConfig(boot).then((config) => {
    if (config) host.setAttribute('data-position', config.theme.position);
    render(<App config={config} />, mount);
  });
}

if (globals.__kefuBoot) boot(globals.__kefuBoot);
else console.error('kefu: load the widget through loader.js (see the README snippet).');
