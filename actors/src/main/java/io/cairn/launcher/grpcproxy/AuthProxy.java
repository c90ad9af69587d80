package io.cairn.launcher.grpcproxy;

import akka.grpc.javadsl.Metadata;
import io.cairn.api.etcdserverpb.*;
import java.util.concurrent.CompletionStage;

/** Auth calls forwarded unchanged, as etcd's AuthProxy does; role permissions are not namespaced (nor in etcd). */
final class AuthProxy implements AuthPowerApi {
  private final AuthClient client;

  AuthProxy(AuthClient client) {
    this.client = client;
  }

  @Override
  public CompletionStage<AuthEnableResponse> authEnable(AuthEnableRequest in, Metadata metadata) {
    return CallMetadata.forward(client.authEnable(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthDisableResponse> authDisable(AuthDisableRequest in, Metadata metadata) {
    return CallMetadata.forward(client.authDisable(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthStatusResponse> authStatus(AuthStatusRequest in, Metadata metadata) {
    return CallMetadata.forward(client.authStatus(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthenticateResponse> authenticate(AuthenticateRequest in, Metadata metadata) {
    return CallMetadata.forward(client.authenticate(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthUserAddResponse> userAdd(AuthUserAddRequest in, Metadata metadata) {
    return CallMetadata.forward(client.userAdd(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthUserGetResponse> userGet(AuthUserGetRequest in, Metadata metadata) {
    return CallMetadata.forward(client.userGet(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthUserListResponse> userList(AuthUserListRequest in, Metadata metadata) {
    return CallMetadata.forward(client.userList(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthUserDeleteResponse> userDelete(AuthUserDeleteRequest in, Metadata metadata) {
    return CallMetadata.forward(client.userDelete(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthUserChangePasswordResponse> userChangePassword(AuthUserChangePasswordRequest in, Metadata metadata) {
    return CallMetadata.forward(client.userChangePassword(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthUserGrantRoleResponse> userGrantRole(AuthUserGrantRoleRequest in, Metadata metadata) {
    return CallMetadata.forward(client.userGrantRole(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthUserRevokeRoleResponse> userRevokeRole(AuthUserRevokeRoleRequest in, Metadata metadata) {
    return CallMetadata.forward(client.userRevokeRole(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthRoleAddResponse> roleAdd(AuthRoleAddRequest in, Metadata metadata) {
    return CallMetadata.forward(client.roleAdd(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthRoleGetResponse> roleGet(AuthRoleGetRequest in, Metadata metadata) {
    return CallMetadata.forward(client.roleGet(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthRoleListResponse> roleList(AuthRoleListRequest in, Metadata metadata) {
    return CallMetadata.forward(client.roleList(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthRoleDeleteResponse> roleDelete(AuthRoleDeleteRequest in, Metadata metadata) {
    return CallMetadata.forward(client.roleDelete(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthRoleGrantPermissionResponse> roleGrantPermission(AuthRoleGrantPermissionRequest in, Metadata metadata) {
    return CallMetadata.forward(client.roleGrantPermission(), metadata).invoke(in);
  }

  @Override
  public CompletionStage<AuthRoleRevokePermissionResponse> roleRevokePermission(AuthRoleRevokePermissionRequest in, Metadata metadata) {
    return CallMetadata.forward(client.roleRevokePermission(), metadata).invoke(in);
  }
}
