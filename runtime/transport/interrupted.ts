/**
 * How many times a ZeroMQ call that a signal interrupted is tried in all. A
 * signal arriving during the call (a profiler's SIGPROF, a child's SIGCHLD)
 * makes libzmq fail it with EINTR; a second signal in the very same call is
 * already rare, so ten tries only guard against a storm.
 */
export const INTERRUPTED_RETRIES = 10;

/**
 * Runs a synchronous ZeroMQ call, again when a signal interrupted it (`code`
 * EINTR), at most {@link INTERRUPTED_RETRIES} times in all. zeromq.js retries
 * EINTR in send, receive and bind, but throws it from `connect` and from
 * setting up a socket's monitor. An interrupted call may leave something
 * behind for a moment (an interrupted monitor's inproc endpoint stays bound
 * until libzmq's reaper thread unbinds it): the codes in `afterInterrupt`
 * are tried again too, but only once an attempt was interrupted.
 */
export function retryInterrupted<T>(call: () => T, afterInterrupt: readonly string[] = []): T {
  let interrupted = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return call();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      const again = code === "EINTR" || (interrupted && typeof code === "string" && afterInterrupt.includes(code));
      if (!again || attempt >= INTERRUPTED_RETRIES) throw error;
      interrupted ||= code === "EINTR";
    }
  }
}
