/**
 * The snippet's target. Kept tiny (budget: 1.5 KB gzipped) because every shop page pays for it.
 *
 * It makes `window.kefu(command, ...args)` usable at once by queueing calls, then loads the
 * chat app after the page has finished loading so the shop's own content comes first.
 */
interface KefuQueue {
  (...args: unknown[]): void;
  q?: unknown[][];
  loaded?: boolean;
}

interface KefuBoot {
  site: string;
  base: string;
}

(() => {
  const w = window as unknown as { kefu?: KefuQueue; __kefuBoot?: KefuBoot };
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script || w.__kefuBoot) return;
  const site = script.dataset.site;
  if (!site) {
    console.error('kefu: the snippet needs a data-site attribute.');
    return;
  }
  // Keep calls made before the snippet ran (a page may define the stub itself).
  const queued = w.kefu?.q ?? [];
  const kefu: KefuQueue = (...args: unknown[]) => {
    kefu.q!.push(args);
  };
  kefu.q = queued;
  w.kefu = kefu;
  w.__kefuBoot = { site, base: new URL('.', script.src).href };

  const load = () => {
    const app = document.createElement('script');
    app.src = w.__kefuBoot!.base + 'app.js';
    app.async = true;
    document.head.appendChild(app);
  };
  if (document.readyState === 'complete') load();
  else window.addEventListener('load', load, { once: true });
})();
