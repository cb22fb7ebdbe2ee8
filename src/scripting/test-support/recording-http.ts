/**
 * A fake `ScriptHttp` for unit tests: records every call and answers 200 with a JSON body,
 * or whatever `answer` returns (a rejection stands for "no response received").
 */
import type { ScriptHttp, ScriptHttpCall, ScriptHttpResponse } from "../script-types.js";

export interface RecordingHttp {
  http: ScriptHttp;
  calls: ScriptHttpCall[];
  /** The abort signals the runtime passed with each call, in call order. */
  signals: AbortSignal[];
}

export function recordingHttp(answer?: (call: ScriptHttpCall, n: number) => ScriptHttpResponse | Promise<ScriptHttpResponse>): RecordingHttp {
  const calls: ScriptHttpCall[] = [];
  const signals: AbortSignal[] = [];
  const http: ScriptHttp = async (call, { signal }) => {
    calls.push(call);
    signals.push(signal);
    if (answer) return answer(call, calls.length);
    return { status: 200, headers: { "content-type": "application/json" }, body: { received: true }, deliveryId: `dlv_${calls.length}` };
  };
  return { http, calls, signals };
}
