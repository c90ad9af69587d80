package io.cairn.launcher.config;

/** The Go flag.Value type etcd 3.4 registers a flag with; it decides parsing and the error text. */
public enum FlagKind {
  STRING,
  /** flag.BoolVar: takes no separate argument; "-x" is true, "-x=false" is false. */
  BOOL,
  /** flag.UintVar / Uint64Var: strconv.ParseUint(s, 0, 64). */
  UINT,
  /** flag.IntVar / Int64Var: strconv.ParseInt(s, 0, 64). */
  INT,
  /** flag.DurationVar: time.ParseDuration. */
  DURATION,
  /** flags.URLsValue: comma-separated URLs, each "scheme://host:port" with no path; etcd sorts them. */
  URLS,
  /** flags.UniqueURLs with exception "*": like URLS but "*" allowed (--cors). */
  URLS_OR_STAR,
  /** flags.UniqueStringsValue: comma-separated, de-duplicated and sorted. */
  UNIQUE_STRINGS,
  /** flags.StringSliceValue: comma-separated, order kept. */
  STRING_SLICE,
  /** flags.StringsFlag: one of a fixed set; any other value is "invalid value". */
  CHOICE,
  /** etcd's --max-concurrent-streams: strconv.ParseUint(s, 10, 32) with strconv's own error text. */
  UINT32,
  /** flags.IgnoredFlag: a removed etcd 2 flag; a bool flag whose setting only logs a warning. */
  IGNORED;

  /** Go's flag package lets a bool flag stand alone ("-x" means "-x=true"). IgnoredFlag is a bool flag too. */
  boolean isBoolFlag() {
    return this == BOOL || this == IGNORED;
  }
}
