package io.cairn.raft.log;

/** The persistent log cannot make changes durable any more (journal failure, or closed): the member must stop. */
public final class RaftLogFailedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  public RaftLogFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
