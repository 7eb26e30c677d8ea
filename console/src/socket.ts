/**
 * A WebSocket that comes back: jittered exponential backoff after every drop, a `hello` on
 * every open (the owner decides what it says), and a session check when connecting keeps
 * failing so an expired login ends in the login form, not in an endless retry loop.
 */
import { reconnectDelay } from '../../protocol/client.ts';
import { CloseCode } from '../../protocol/limits.ts';

export type LinkStatus = 'connecting' | 'online' | 'reconnecting' | 'stopped';

export interface ReconnectingSocketOptions<Out> {
  /** Path on this origin, e.g. /v1/agent/inbox. */
  path: string;
  /** Called on every open; send the hello here. */
  onOpen: () => void;
  onFrame: (frame: Out) => void;
  onStatus: (status: LinkStatus) => void;
  /**
   * Called before a retry when the last attempt never got a single frame (the upgrade was
   * refused, or the server hung up at once). Resolve false to stop retrying.
   */
  verify?: (closeCode: number) => Promise<boolean>;
}

export class ReconnectingSocket<In, Out> {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private gotFrame = false;

  constructor(private readonly options: ReconnectingSocketOptions<Out>) {}

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'closed by the console');
    this.options.onStatus('stopped');
  }

  /** Sends when open; returns false otherwise (the owner keeps what must survive a drop). */
  send(frame: In): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** The server accepted us (welcome or first snapshot): the next drop starts from a short wait. */
  markHealthy(): void {
    this.attempt = 0;
    this.options.onStatus('online');
  }

  private connect(): void {
    this.timer = undefined;
    if (!this.running) return;
    this.options.onStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const url = new URL(this.options.path, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    let socket: WebSocket;
    try {
      socket = new WebSocket(url.href);
    } catch {
      this.scheduleRetry(1006);
      return;
    }
    this.socket = socket;
    this.gotFrame = false;
    socket.onopen = () => {
      if (this.socket === socket) this.options.onOpen();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket || typeof event.data !== 'string') return;
      this.gotFrame = true;
      let frame: Out;
      try {
        frame = JSON.parse(event.data) as Out;
      } catch {
        console.warn('kefu console: ignored a frame that is not JSON');
        return;
      }
      this.options.onFrame(frame);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleRetry(event.code);
    };
  }

  private scheduleRetry(closeCode: number): void {
    if (!this.running) return;
    const delay = reconnectDelay(this.attempt);
    this.attempt += 1;
    this.options.onStatus('reconnecting');
    const refused = !this.gotFrame || closeCode === CloseCode.signedOut || closeCode === CloseCode.sessionRevoked;
    if (refused && this.options.verify) {
      const verify = this.options.verify;
      this.timer = setTimeout(() => {
        void verify(closeCode).then(
          (keepGoing) => {
            if (!keepGoing) this.stop();
            else this.connect();
          },
          () => this.connect(),
        );
      }, delay);
      return;
    }
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
