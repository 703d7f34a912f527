// Whether a server that closed a plain-HTTP connection unanswered speaks TLS: an https server does
// that to an http:// request. Asked once, after the call failed, so the error can say to use https.
import { connect } from "node:tls";

const PROBE_MS = 2_000;

/** True when the server at host:port completes a TLS handshake or answers it with a TLS alert. */
export function speaksTls(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    // Only the handshake: no certificate is trusted or sent anything, and the socket closes at once.
    const socket = connect({ host, port, rejectUnauthorized: false, ALPNProtocols: ["http/1.1"] });
    const done = (tls: boolean) => {
      socket.destroy();
      resolve(tls);
    };
    socket.setTimeout(PROBE_MS, () => done(false));
    socket.once("secureConnect", () => done(true));
    // A TLS alert is TLS: the server read the hello (e.g. no certificate it could use).
    socket.once("error", (error: Error & { code?: string }) => done(/_ALERT_/.test(error.code ?? "")));
  });
}
