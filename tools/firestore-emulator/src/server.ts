import http from 'node:http';
import net from 'node:net';
import { ServerCredentials, type Server as GrpcServer } from '@grpc/grpc-js';

/** The HTTP/2 connection preface every gRPC client starts with. */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface SharedPort {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * One TCP port for both protocols, as the official emulator offers: firebase-admin speaks gRPC
 * (HTTP/2 cleartext) and firebase-tools speaks HTTP/1.1 REST to the same host:port. The first
 * bytes of a connection decide: the HTTP/2 preface goes to grpc-js through a connection
 * injector, anything else to the node `http` server. The sniffed bytes are unshifted back; node's
 * http2 session reads a socket's buffered data when it starts, and the HTTP/1 parser receives
 * them as the first 'data' event.
 */
export async function listenShared(
  grpcServer: GrpcServer,
  httpHandler: http.RequestListener,
  hosts: readonly string[],
  port: number,
): Promise<SharedPort> {
  const injector = grpcServer.createConnectionInjector(ServerCredentials.createInsecure());
  const httpServer = http.createServer({ keepAliveTimeout: 60_000 }, httpHandler);
  const sockets = new Set<net.Socket>();

  const onConnection = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    let sniffed: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      sniffed = sniffed.length === 0 ? chunk : Buffer.concat([sniffed, chunk]);
      const compared = Math.min(sniffed.length, HTTP2_PREFACE.length);
      const isHttp2 = sniffed.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
      // Wait for more bytes only while the data is still a strict prefix of the preface.
      if (isHttp2 && compared < HTTP2_PREFACE.length) return;
      socket.off('data', onData);
      socket.pause();
      socket.unshift(sniffed);
      if (isHttp2) {
        injector.injectConnection(socket);
      } else {
        httpServer.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  };

  const servers: net.Server[] = [];
  let boundPort = port;
  try {
    for (const [index, host] of hosts.entries()) {
      const server = net.createServer(onConnection);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        // Further addresses (e.g. ::1 for "localhost") must use the port the first one got.
        server.listen({ host, port: boundPort }, () => {
          server.off('error', reject);
          resolve();
        });
      }).catch((error: unknown) => {
        // A missing IPv6 stack only matters when it is the only address asked for.
        if (index > 0 && isAddressUnavailable(error)) return;
        throw error;
      });
      if (server.listening) servers.push(server);
      const address = server.address();
      if (index === 0 && typeof address === 'object' && address !== null) boundPort = address.port;
    }
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }

  return {
    port: boundPort,
    close: async () => {
      injector.drain(0);
      injector.destroy();
      httpServer.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
    },
  };
}

function isAddressUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT';
}
