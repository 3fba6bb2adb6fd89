/**
 * The greeter of the seeds, as TypeScript interfaces. schemas/greeter.zod.ts
 * declares the same service with Zod; both give the same IR.
 */
import type { Int } from "pseud-gen/schema";

/** How big a sheep is. */
export type Size = "small" | "big";

/** A sheep, as a client draws it. */
export interface Sheep {
  size: Size;
  /** Wool, in grams. */
  wool: Int;
  drawnAt: Date;
  picture: Uint8Array;
  tags: string[];
  owner: string | null;
  notes?: string;
}

export interface Census {
  /**
   * How many sheep were counted.
   * @minimum 0
   */
  total: Int;
  bySize: Record<string, Int>;
  heaviest: [string, number] | null;
  checksum: bigint;
  complete: boolean;
}

/**
 * Greets people, does sums, and counts sheep.
 * @service greeter
 */
export interface Greeter {
  /**
   * Says hello.
   * @param name - Who to greet.
   */
  hello(name: string): string;
  /** Adds two integers. */
  add(a: Int, b: Int): Int;
  /**
   * Divides a by b.
   * @errors ZeroDivisionError
   */
  divide(a: number, b: number): number;
  "string.lower"(s: string): string;
  "string.upper"(s: string): string;
  /** Counts a flock. */
  census(flock: Sheep[], since?: Date): Census;
  /**
   * Forgets every count; for admins only.
   * @domain restricted
   */
  "admin.reset"(): void;
}

/** @clientMethods greeter */
export interface GreeterClientMethods {
  /** Asks the client to draw a sheep. */
  "draw.me.a.sheep"(size: Size): Sheep;
}

/** @events greeter */
export interface GreeterEvents {
  /** A flock was counted: every subscribed client hears of it. */
  "flock.counted": Census;
}
