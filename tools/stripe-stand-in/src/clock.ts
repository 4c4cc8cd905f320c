/**
 * The stand-in's own clock: it ticks with real time from an offset that only ever grows, so
 * subscription periods can be crossed in seconds while every timestamp it hands out stays
 * monotonic.
 */
export class Clock {
  #offsetSeconds: number;
  readonly #realNow: () => number;

  constructor(offsetSeconds = 0, realNow: () => number = () => Date.now()) {
    this.#offsetSeconds = offsetSeconds;
    this.#realNow = realNow;
  }

  /** Unix seconds on the stand-in clock. */
  now(): number {
    return Math.floor(this.#realNow() / 1000) + this.#offsetSeconds;
  }

  get offsetSeconds(): number {
    return this.#offsetSeconds;
  }

  /**
   * Back to real time. Only with everything else dropped (POST /_standin/reset with
   * `clock: "real_time"`): no object is left whose times would then run backwards.
   */
  rewindToRealTime(): void {
    this.#offsetSeconds = 0;
  }

  /** Moves the clock to `unixSeconds`; moving backwards is refused by the caller, never here. */
  setTo(unixSeconds: number): void {
    const delta = unixSeconds - this.now();
    if (delta > 0) this.#offsetSeconds += delta;
  }
}
