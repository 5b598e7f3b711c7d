import { ProtocolError } from '../errors';

/**
 * Splits a TCP byte stream into frames on the 24-bit length prefix (Protocol.md "Framing Format"). A frame that
 * arrives whole inside one chunk is delivered as a view of that chunk (no copy); a frame split across chunks is
 * copied once into a buffer of exactly its length. Memory held between chunks is at most one frame, bounded by
 * `maxFrameSize`: a longer declared length fails before anything is allocated for it.
 */
export class LengthPrefixedReader {
  private readonly maxFrameSize: number;
  private readonly header = new Uint8Array(3);
  private headerFill = 0;
  private partial: Uint8Array | null = null;
  private partialFill = 0;

  constructor(maxFrameSize: number) {
    this.maxFrameSize = maxFrameSize;
  }

  /** Bytes held for a frame that has not fully arrived. */
  get bufferedBytes(): number {
    return this.headerFill + this.partialFill;
  }

  /** Feeds one chunk; calls `onFrame` for every frame completed. Throws ProtocolError on an oversized frame. */
  push(chunk: Uint8Array, onFrame: (frame: Uint8Array) => void): void {
    let offset = 0;
    const length = chunk.length;
    while (offset < length) {
      if (this.partial !== null) {
        const take = Math.min(this.partial.length - this.partialFill, length - offset);
        this.partial.set(chunk.subarray(offset, offset + take), this.partialFill);
        this.partialFill += take;
        offset += take;
        if (this.partialFill === this.partial.length) {
          const frame = this.partial;
          this.partial = null;
          this.partialFill = 0;
          onFrame(frame);
        }
        continue;
      }
      let frameLength: number;
      if (this.headerFill === 0 && length - offset >= 3) {
        frameLength = (chunk[offset]! << 16) | (chunk[offset + 1]! << 8) | chunk[offset + 2]!;
        offset += 3;
      } else {
        while (this.headerFill < 3 && offset < length) this.header[this.headerFill++] = chunk[offset++]!;
        if (this.headerFill < 3) return;
        this.headerFill = 0;
        frameLength = (this.header[0]! << 16) | (this.header[1]! << 8) | this.header[2]!;
      }
      if (frameLength > this.maxFrameSize) {
        throw new ProtocolError(`RSocket Max Frame Size: the peer sent a frame of ${frameLength} bytes; this transport accepts at most ${this.maxFrameSize}`);
      }
      if (length - offset >= frameLength) {
        const frame = chunk.subarray(offset, offset + frameLength);
        offset += frameLength;
        onFrame(frame);
      } else {
        this.partial = new Uint8Array(frameLength);
        this.partialFill = 0;
      }
    }
  }

  clear(): void {
    this.partial = null;
    this.partialFill = 0;
    this.headerFill = 0;
  }
}
