package io.cairn.launcher.config;

/** A flag value a Go flag.Value's Set would reject; the message is Go's reason ("parse error", ...). */
final class InvalidValueException extends Exception {
  InvalidValueException(String reason) {
    super(reason, null, false, false);
  }
}
