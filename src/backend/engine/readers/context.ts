/** What a record knows about the file it came from. */
export interface FileContext {
  /** Stream label `source`. */
  source: string;
  /** Stream label `filename`: the live file's absolute path (shared by its rotated siblings). */
  filename: string;
  /** `service_name` when the record names none. */
  defaultService: string;
  /** Short identity used in record ids (unique per physical file for the store's lifetime). */
  fileKey: string;
}

/** Record flags set by the scan. */
export const FLAG_CUT = 1;
export const FLAG_INVALID_UTF8 = 2;
/** Not a scan flag: the index's mark of a line malformed for its format (ScanStats.malformedLines). */
export const FLAG_MALFORMED = 4;
