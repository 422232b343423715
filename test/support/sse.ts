// A minimal Server-Sent Events reader for tests and the bench: opens GET /events/stream with fetch,
// parses messages as they arrive, and lets the caller wait for the ones it expects.
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: string;
  at: number;
}

export interface SseConnection {
  status: number;
  messages: SseMessage[];
  /** Events only (messages with an id), in arrival order. */
  events(): SseMessage[];
  /** Resolves once the stream ended (the server closed it or close() was called). */
  ended: Promise<void>;
  close(): void;
}

function parse(block: string, at: number): SseMessage {
  const message: SseMessage = { at };
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) message.comment = line.slice(1).trim();
    else {
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id" || field === "event" || field === "data" || field === "retry")
        message[field] = value;
    }
  }
  return message;
}

export async function openEventStream(url: string, headers: Record<string, string>): Promise<SseConnection> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: abort.signal,
  });
  const messages: SseMessage[] = [];
  const read = async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.trim() !== "") messages.push(parse(block, Date.now()));
          end = buffer.indexOf("\n\n");
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  };
  const ended = response.ok ? read() : response.text().then(() => undefined);
  return {
    status: response.status,
    messages,
    events: () => messages.filter((message) => message.id),
    ended,
    close: () => abort.abort(),
  };
}

/** Like a browser's EventSource: reconnects whenever a connection ends, with the last id it got. */
export function followEventStream(url: string, headers: Record<string, string>) {
  const events: SseMessage[] = [];
  let current: SseConnection | undefined;
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const lastId = events.at(-1)?.id;
      current = await openEventStream(url, lastId ? { ...headers, "last-event-id": lastId } : headers);
      if (current.status !== 200) throw new Error(`the event stream answered ${current.status}`);
      let taken = 0;
      const drain = setInterval(() => {
        const fresh = current!.events().slice(taken);
        taken += fresh.length;
        events.push(...fresh);
      }, 5);
      await current.ended;
      clearInterval(drain);
      events.push(...current.events().slice(taken));
    }
  };
  const running = loop();
  return {
    events,
    close: async () => {
      stopped = true;
      current?.close();
      await running.catch(() => {});
    },
  };
}
