import { describe, expect, it } from "vitest";
import { INTERRUPTED_RETRIES, retryInterrupted } from "../../runtime/transport/interrupted.js";

/** An error as zeromq.js throws it for errno `code`. */
function errno(code: string): Error {
  return Object.assign(new Error(code === "EINTR" ? "Interrupted system call" : code), { code });
}

describe("a ZeroMQ call interrupted by a signal", () => {
  it("is tried again until it succeeds (a profiler's SIGPROF during a client's monitor setup failed its constructor)", () => {
    let calls = 0;
    const result = retryInterrupted(() => {
      calls++;
      if (calls < 3) throw errno("EINTR");
      return "monitor";
    });
    expect(result).toBe("monitor");
    expect(calls).toBe(3);
  });

  it("is given up after INTERRUPTED_RETRIES tries, with the last error", () => {
    let calls = 0;
    expect(() =>
      retryInterrupted(() => {
        calls++;
        throw errno("EINTR");
      }),
    ).toThrow("Interrupted system call");
    expect(calls).toBe(INTERRUPTED_RETRIES);
  });

  it("passes any other error through at once", () => {
    let calls = 0;
    expect(() =>
      retryInterrupted(() => {
        calls++;
        throw errno("EMFILE");
      }),
    ).toThrow("EMFILE");
    expect(calls).toBe(1);
  });

  it("tries an after-interrupt code again only once an attempt was interrupted (a monitor's endpoint left bound)", () => {
    const codes = ["EINTR", "EADDRINUSE"];
    let calls = 0;
    expect(
      retryInterrupted(() => {
        const code = codes[calls++];
        if (code !== undefined) throw errno(code);
        return "monitor";
      }, ["EADDRINUSE"]),
    ).toBe("monitor");
    expect(calls).toBe(3);
    calls = 0;
    expect(() =>
      retryInterrupted(() => {
        calls++;
        throw errno("EADDRINUSE");
      }, ["EADDRINUSE"]),
    ).toThrow("EADDRINUSE");
    expect(calls).toBe(1);
  });
});
