package io.cairn.grpc;

import io.cairn.api.etcdserverpb.*;
import io.cairn.member.EtcdError;
import io.cairn.member.MemberApi;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * etcd's Auth service as a member with auth never enabled and no users or roles answers it
 * (etcdserver/v3_server.go, auth/store.go). Changing users and roles is not supported yet.
 */
public final class AuthService implements Auth {
  private final MemberApi member;

  public AuthService(MemberApi member) {
    this.member = member;
  }

  @Override
  public CompletionStage<AuthStatusResponse> authStatus(AuthStatusRequest in) {
    return GrpcErrors.call(
        () ->
            done(AuthStatusResponse.newBuilder().setHeader(member.header()).setEnabled(false).build()));
  }

  @Override
  public CompletionStage<AuthenticateResponse> authenticate(AuthenticateRequest in) {
    return failed(EtcdError.AUTH_NOT_ENABLED);
  }

  /** etcd: disabling auth that is off is a no-op that succeeds. */
  @Override
  public CompletionStage<AuthDisableResponse> authDisable(AuthDisableRequest in) {
    return GrpcErrors.call(() -> done(AuthDisableResponse.newBuilder().setHeader(member.header()).build()));
  }

  /** etcd refuses to enable auth without a root user. */
  @Override
  public CompletionStage<AuthEnableResponse> authEnable(AuthEnableRequest in) {
    return failed(EtcdError.ROOT_USER_NOT_EXIST);
  }

  @Override
  public CompletionStage<AuthUserListResponse> userList(AuthUserListRequest in) {
    return GrpcErrors.call(() -> done(AuthUserListResponse.newBuilder().setHeader(member.header()).build()));
  }

  @Override
  public CompletionStage<AuthRoleListResponse> roleList(AuthRoleListRequest in) {
    return GrpcErrors.call(() -> done(AuthRoleListResponse.newBuilder().setHeader(member.header()).build()));
  }

  @Override
  public CompletionStage<AuthUserGetResponse> userGet(AuthUserGetRequest in) {
    return failed(EtcdError.USER_NOT_FOUND);
  }

  @Override
  public CompletionStage<AuthRoleGetResponse> roleGet(AuthRoleGetRequest in) {
    return failed(EtcdError.ROLE_NOT_FOUND);
  }

  @Override
  public CompletionStage<AuthUserAddResponse> userAdd(AuthUserAddRequest in) {
    return NotSupported.answer(NotSupported.AUTH);
  }

  @Override
  public CompletionStage<AuthUserDeleteResponse> userDelete(AuthUserDeleteRequest in) {
    return NotSupported.answer(NotSupported.AUTH);
  }

  @Override
  public CompletionStage<AuthUserChangePasswordResponse> userChangePassword(AuthUserChangePasswordRequest in) {
    return NotSupported.answer(NotSupported.AUTH);
  }

  @Override
  public CompletionStage<AuthUserGrantRoleResponse> userGrantRole(AuthUserGrantRoleRequest in) {
    return NotSupported.answer(NotSupported.AUTH);
  }

  @Override
  public CompletionStage<AuthUserRevokeRoleResponse> userRevokeRole(AuthUserRevokeRoleRequest in) {
    return NotSupported.answer(NotSupported.AUTH);
  }

  @Override
  public CompletionStage<AuthRoleAddResponse> roleAdd(AuthRoleAddRequest in) {
    return NotSupported.answer(NotSupported.AUTH);
  }

  @Override
  public CompletionStage<AuthRoleDeleteResponse> roleDelete(AuthRoleDeleteRequest in) {
    return NotSupported.answer(NotSupported.AUTH);
  }

  @Override
  public CompletionStage<AuthRoleGrantPermissionResponse> roleGrantPermission(AuthRoleGrantPermissionRequest in) {
    return NotSupported.answer(NotSupported.AUTH);
  }

  @Override
  public CompletionStage<AuthRoleRevokePermissionResponse> roleRevokePermission(
      AuthRoleRevokePermissionRequest in) {
    return NotSupported.answer(NotSupported.AUTH);
  }

  private static <T> CompletionStage<T> done(T response) {
    return CompletableFuture.completedFuture(response);
  }

  private static <T> CompletionStage<T> failed(EtcdError error) {
    return CompletableFuture.failedFuture(GrpcErrors.toStatusException(error.exception()));
  }
}
