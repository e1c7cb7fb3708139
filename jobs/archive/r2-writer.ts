// A hyparquet-writer Writer that streams a Parquet file into R2 instead of holding it whole: after
// each row group (the writer's flush), full parts of R2_PART_BYTES go up as a multipart upload, so a
// Worker (128 MB) holds at most one part plus one row group of the file at a time. A file smaller
// than one part is written with a single put. R2 requires every part but the last to be the same size.
import { ByteWriter } from "hyparquet-writer";

/** Size of each uploaded part (R2: at least 5 MiB, all equal but the last). */
export const R2_PART_BYTES = 8 * 1024 * 1024;

export class R2ParquetWriter extends ByteWriter {
  private upload: R2MultipartUpload | null = null;
  private readonly parts: R2UploadedPart[] = [];
  /** Bytes in the finished object. */
  size = 0;

  constructor(
    private readonly bucket: R2Bucket,
    private readonly key: string,
    private readonly options: R2PutOptions = {},
    private readonly partBytes = R2_PART_BYTES,
  ) {
    super(1024 * 1024);
  }

  /** Uploads every whole part buffered so far; the rest stays for the next flush. */
  async flush(): Promise<void> {
    let start = 0;
    while (this.index - start >= this.partBytes) {
      this.upload ??= await this.bucket.createMultipartUpload(this.key, this.options);
      const part = new Uint8Array(this.buffer.slice(start, start + this.partBytes));
      this.parts.push(await this.upload.uploadPart(this.parts.length + 1, part));
      start += this.partBytes;
    }
    if (start > 0) {
      new Uint8Array(this.buffer).copyWithin(0, start, this.index);
      this.index -= start;
    }
  }

  override async finish(): Promise<void> {
    const rest = new Uint8Array(this.buffer.slice(0, this.index));
    this.size = this.offset;
    if (!this.upload) {
      await this.bucket.put(this.key, rest, this.options);
      return;
    }
    if (rest.byteLength > 0) this.parts.push(await this.upload.uploadPart(this.parts.length + 1, rest));
    await this.upload.complete(this.parts);
  }

  /** Drops a multipart upload left unfinished by an error, so no orphan parts stay billed. */
  async abort(): Promise<void> {
    await this.upload?.abort();
  }
}
