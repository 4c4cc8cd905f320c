/**
 * A minimal gRPC-over-HTTP/2 client for benchmarks: unary calls of one method over one cleartext
 * connection, with the HTTP/2 framing written by hand. It exists because a general client
 * (@grpc/grpc-js, or even node:http2) spends about as much CPU per call as a fast server does,
 * so a benchmark driven by one would measure its client. What it does not do: decode response
 * headers (HPACK), so a call succeeds when the server sent a response message and ended the
 * stream; the caller validates the message (and a benchmark should cross-check the server's own
 * counters, since an error status sent after a message would go unnoticed).
 *
 * Protocol notes (RFC 9113): request headers are indexed in the server's HPACK table by the first
 * request and referenced by every later one (see headerBlocks), the connection-level receive
 * window is opened to 1 GiB once, the server's SETTINGS and PINGs are acknowledged, and the
 * send window (connection and per stream) is honoured.
 */
import net from 'node:net';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const DATA = 0x0;
const HEADERS = 0x1;
const RST_STREAM = 0x3;
const SETTINGS = 0x4;
const PING = 0x6;
const GOAWAY = 0x7;
const WINDOW_UPDATE = 0x8;
const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const SETTINGS_HEADER_TABLE_SIZE = 0x1;
const SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
/** HPACK's default dynamic table size, which holds until the server's SETTINGS say otherwise. */
const DEFAULT_HEADER_TABLE_SIZE = 4096;
const RECEIVE_WINDOW = 1 << 30;

function frame(type: number, flags: number, streamId: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(9 + payload.length);
  out.writeUIntBE(payload.length, 0, 3);
  out.writeUInt8(type, 3);
  out.writeUInt8(flags, 4);
  out.writeUInt32BE(streamId, 5);
  out.set(payload, 9);
  return out;
}

/** HPACK integer with a 7-bit prefix (string lengths, Huffman bit clear). */
function hpackLength(length: number): number[] {
  if (length < 127) return [length];
  const bytes = [127];
  let rest = length - 127;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

/**
 * The request headers as HPACK blocks: the first request sends them as literals with
 * incremental indexing (so the server's decoder adds them to its dynamic table, as any HTTP/2
 * client's encoder would), every later one as the same entries indexed: a few bytes the server
 * decodes cheaply. `:method: POST` and `:scheme: http` are in the static table (indexes 3, 6).
 */
function headerBlocks(headers: readonly (readonly [string, string])[]): {
  first: Buffer;
  indexed: Buffer;
  tableSize: number;
} {
  const first: number[] = [0x80 | 3, 0x80 | 6];
  let tableSize = 0;
  for (const [name, value] of headers) {
    const nameBytes = Buffer.from(name, 'latin1');
    const valueBytes = Buffer.from(value, 'latin1');
    first.push(
      0x40,
      ...hpackLength(nameBytes.length),
      ...nameBytes,
      ...hpackLength(valueBytes.length),
      ...valueBytes,
    );
    tableSize += nameBytes.length + valueBytes.length + 32;
  }
  // The newest dynamic entry has index 62, so the first header inserted has the highest.
  const indexed = [0x80 | 3, 0x80 | 6, ...headers.map((_, k) => 0x80 | (62 + headers.length - 1 - k))];
  if (62 + headers.length - 1 >= 127) throw new Error('too many headers for one-byte indexes');
  return { first: Buffer.from(first), indexed: Buffer.from(indexed), tableSize };
}

interface Call {
  readonly resolve: (message: Buffer) => void;
  readonly reject: (error: Error) => void;
  readonly chunks: Buffer[];
}

export interface RawGrpcConnection {
  /** Sends one request message; resolves with the response message's bytes. */
  call(message: Uint8Array): Promise<Buffer>;
  close(): void;
}

/** Opens one HTTP/2 connection to `host:port` for unary calls of `path` (e.g. /pkg.Service/Method). */
export async function connectRawGrpc(
  host: string,
  port: number,
  path: string,
  metadata: Readonly<Record<string, string>>,
): Promise<RawGrpcConnection> {
  const socket = net.connect({ host, port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const blocks = headerBlocks([
    [':path', path],
    [':authority', `${host}:${port}`],
    ['content-type', 'application/grpc'],
    ['te', 'trailers'],
    ...Object.entries(metadata).map(([name, value]) => [name.toLowerCase(), value] as const),
  ]);
  if (blocks.tableSize > DEFAULT_HEADER_TABLE_SIZE) throw new Error('request headers too large to index');
  const calls = new Map<number, Call>();
  let nextStreamId = 1;
  let sendWindow = 65_535;
  let streamWindow = 65_535;
  const blocked: { streamId: number; bytes: Buffer }[] = [];
  let failure: Error | undefined;

  // Writes made in one tick go out in one syscall.
  let corked = false;
  const send = (bytes: Buffer) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    socket.write(bytes);
  };
  const sendData = (streamId: number, bytes: Buffer) => {
    if (bytes.length > sendWindow || blocked.length > 0) {
      blocked.push({ streamId, bytes });
      return;
    }
    sendWindow -= bytes.length;
    send(frame(DATA, END_STREAM, streamId, bytes));
  };
  const fail = (error: Error) => {
    failure ??= error;
    for (const call of calls.values()) call.reject(error);
    calls.clear();
    socket.destroy();
  };

  send(PREFACE);
  send(frame(SETTINGS, 0, 0, new Uint8Array(0)));
  const increment = Buffer.alloc(4);
  increment.writeUInt32BE(RECEIVE_WINDOW - 65_535);
  send(frame(WINDOW_UPDATE, 0, 0, increment));

  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let offset = 0;
    while (pending.length - offset >= 9) {
      const length = pending.readUIntBE(offset, 3);
      if (pending.length - offset < 9 + length) break;
      const type = pending.readUInt8(offset + 3);
      const flags = pending.readUInt8(offset + 4);
      const streamId = pending.readUInt32BE(offset + 5) & 0x7fffffff;
      let payload = pending.subarray(offset + 9, offset + 9 + length);
      offset += 9 + length;
      switch (type) {
        case DATA: {
          if ((flags & PADDED) !== 0) payload = payload.subarray(1, payload.length - (payload[0] ?? 0));
          // A view is fine: every 'data' chunk is a buffer of its own.
          calls.get(streamId)?.chunks.push(payload);
          if ((flags & END_STREAM) !== 0) finish(streamId);
          break;
        }
        case HEADERS:
          if ((flags & END_STREAM) !== 0) finish(streamId);
          break;
        case RST_STREAM: {
          const call = calls.get(streamId);
          calls.delete(streamId);
          call?.reject(new Error(`stream reset by the server (code ${payload.readUInt32BE(0)})`));
          break;
        }
        case SETTINGS:
          if ((flags & ACK) === 0) {
            for (let i = 0; i + 6 <= payload.length; i += 6) {
              const id = payload.readUInt16BE(i);
              const value = payload.readUInt32BE(i + 2);
              if (id === SETTINGS_INITIAL_WINDOW_SIZE) streamWindow = value;
              if (id === SETTINGS_HEADER_TABLE_SIZE && value < blocks.tableSize) {
                fail(new Error(`the server's HPACK table (${value} bytes) cannot hold the request headers`));
                return;
              }
            }
            send(frame(SETTINGS, ACK, 0, new Uint8Array(0)));
          }
          break;
        case PING:
          if ((flags & ACK) === 0) send(frame(PING, ACK, 0, Buffer.from(payload)));
          break;
        case GOAWAY:
          fail(new Error(`GOAWAY from the server (code ${payload.readUInt32BE(4)})`));
          return;
        case WINDOW_UPDATE:
          if (streamId === 0) {
            sendWindow += payload.readUInt32BE(0) & 0x7fffffff;
            while (blocked.length > 0 && (blocked[0]?.bytes.length ?? 0) <= sendWindow) {
              const next = blocked.shift();
              if (next === undefined) break;
              sendWindow -= next.bytes.length;
              send(frame(DATA, END_STREAM, next.streamId, next.bytes));
            }
          }
          break;
        default:
          // PUSH_PROMISE is disabled by default for servers that honour it; others are ignorable.
          break;
      }
    }
    pending = offset === pending.length ? Buffer.alloc(0) : pending.subarray(offset);
  });
  socket.on('error', fail);
  socket.on('close', () => fail(failure ?? new Error('connection closed')));

  function finish(streamId: number): void {
    const call = calls.get(streamId);
    if (call === undefined) return;
    calls.delete(streamId);
    const body = call.chunks.length === 1 ? (call.chunks[0] as Buffer) : Buffer.concat(call.chunks);
    if (body.length < 5) {
      call.reject(new Error('the call ended without a response message (an error status)'));
      return;
    }
    if (body.readUInt8(0) !== 0) {
      call.reject(new Error('compressed response message'));
      return;
    }
    call.resolve(body.subarray(5, 5 + body.readUInt32BE(1)));
  }

  return {
    call(message: Uint8Array): Promise<Buffer> {
      if (failure !== undefined) return Promise.reject(failure);
      const body = Buffer.allocUnsafe(5 + message.length);
      body.writeUInt8(0, 0);
      body.writeUInt32BE(message.length, 1);
      body.set(message, 5);
      if (body.length > streamWindow)
        return Promise.reject(new Error('message larger than the stream window'));
      const streamId = nextStreamId;
      nextStreamId += 2;
      return new Promise<Buffer>((resolve, reject) => {
        calls.set(streamId, { resolve, reject, chunks: [] });
        send(frame(HEADERS, END_HEADERS, streamId, streamId === 1 ? blocks.first : blocks.indexed));
        sendData(streamId, body);
      });
    },
    close(): void {
      failure ??= new Error('connection closed');
      socket.end();
    },
  };
}
