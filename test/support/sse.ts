/** Reads a server-sent event stream with fetch (as the dashboard does), for end-to-end tests. */
export interface SseEvent {
  id: string | null;
  event: string | null;
  data: any;
}

export class SseReader {
  readonly events: SseEvent[] = [];
  private readonly ac = new AbortController();
  private waiters: { pred: (e: SseEvent) => boolean; count: number; resolve: (e: SseEvent[]) => void }[] = [];
  ended = false;

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const r = new SseReader();
    const res = await fetch(url, { headers, signal: r.ac.signal });
    if (res.status !== 200) throw new Error(`event stream answered ${res.status}: ${await res.text()}`);
    void r.pump(res.body!.getReader());
    return r;
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const dec = new TextDecoder();
    let buf = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let cut: number;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const e: SseEvent = { id: null, event: null, data: null };
          for (const line of block.split("\n")) {
            if (line.startsWith("id: ")) e.id = line.slice(4);
            else if (line.startsWith("event: ")) e.event = line.slice(7);
            else if (line.startsWith("data: ")) e.data = JSON.parse(line.slice(6));
          }
          if (e.event) {
            this.events.push(e);
            this.notify();
          }
        }
      }
    } catch {
      /* aborted or dropped */
    }
    this.ended = true;
  }

  private notify(): void {
    this.waiters = this.waiters.filter((w) => {
      const got = this.events.filter(w.pred);
      if (got.length < w.count) return true;
      w.resolve(got);
      return false;
    });
  }

  waitFor(pred: (e: SseEvent) => boolean, count = 1, timeoutMs = 10_000): Promise<SseEvent[]> {
    const now = this.events.filter(pred);
    if (now.length >= count) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${count} events; saw ${this.events.map((e) => e.event).join(", ")}`)), timeoutMs);
      this.waiters.push({ pred, count, resolve: (e) => (clearTimeout(t), resolve(e)) });
    });
  }

  close(): void {
    this.ac.abort();
  }
}
