package io.eventgateway;

import io.eventgateway.auth.ApiKeyStore;
import io.eventgateway.auth.Caller;
import io.eventgateway.config.ConfigLoader;
import io.eventgateway.config.PostgresConfig;
import io.eventgateway.store.Migrations;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keys create|list|delete}: manages API keys directly in the configured PostgreSQL, for bootstrapping the
 * first admin key and for operators without an admin key at hand. The same store the admin API uses.
 */
@Command(
    name = "keys",
    description = "Create, list and revoke API keys in the configured PostgreSQL",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Delete.class})
final class KeysCommand {

  @Option(
      names = "--env",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "configuration overlay conf/<env>.json (default: $GATEWAY_ENV or prod)")
  String env;

  /** Runs {@code action} against the key store of the configured database, then closes everything. */
  <T> T withStore(Function<ApiKeyStore, Future<T>> action) throws Exception {
    JsonObject config = ConfigLoader.load(
        env != null ? env : System.getenv().getOrDefault("GATEWAY_ENV", "prod"), System.getenv());
    PostgresConfig postgres = PostgresConfig.in(config);
    Migrations.migrate(postgres);
    return ApiKeyStore.runBlocking(postgres, action);
  }

  @Command(name = "create", description = "Create a key and print it (it is shown only this once)")
  static final class Create implements Callable<Integer> {

    @picocli.CommandLine.ParentCommand
    KeysCommand keys;

    @Option(names = "--name", required = true, description = "who the key is for")
    String name;

    @Option(
        names = "--families",
        split = ",",
        description = "families it may publish (default: all)")
    List<String> families;

    @Option(
        names = "--types",
        split = ",",
        description = "event types it may publish (default: all)")
    List<String> types;

    @Option(names = "--tenant", description = "the tenant it belongs to (default: default)")
    String tenant = Caller.DEFAULT_TENANT;

    @Option(
        names = "--read",
        split = ",",
        description = "families whose data it may read, or * for all (default: none)")
    List<String> read;

    @Option(
        names = "--rate",
        description = "events per second per gateway process (default: unlimited)")
    Integer rate;

    @Option(
        names = "--admin",
        description = "an operator: administers every tenant, the registry and configuration")
    boolean admin;

    @Option(
        names = "--tenant-admin",
        description = "administers its own tenant: its keys, dead letters and reads")
    boolean tenantAdmin;

    @Override
    public Integer call() throws Exception {
      if (!Caller.TENANT_NAME.matcher(tenant).matches()) {
        throw new picocli.CommandLine.ParameterException(
            new picocli.CommandLine(this), "--tenant must match " + Caller.TENANT_NAME.pattern());
      }
      ApiKeyStore.Created created = keys.withStore(store -> store.create(new Caller(
          null,
          name,
          tenant,
          Caller.Administers.of(admin, tenantAdmin),
          families == null ? null : Set.copyOf(families),
          types == null ? null : Set.copyOf(types),
          read == null ? Set.of() : Set.copyOf(read),
          rate,
          null)));
      Caller caller = created.caller();
      System.out.println("id:  " + caller.id() + "  " + caller.toJson().encode());
      System.out.println("key: " + created.key());
      return 0;
    }
  }

  @Command(name = "list", description = "List the unrevoked keys (never their secrets)")
  static final class ListKeys implements Callable<Integer> {

    @picocli.CommandLine.ParentCommand
    KeysCommand keys;

    @Override
    public Integer call() throws Exception {
      keys.withStore(ApiKeyStore::list)
          .forEach(key -> System.out.println(((JsonObject) key).encode()));
      return 0;
    }
  }

  @Command(name = "delete", description = "Revoke a key by id")
  static final class Delete implements Callable<Integer> {

    @picocli.CommandLine.ParentCommand
    KeysCommand keys;

    @Parameters(index = "0", description = "the key id (the 12 hex digits after egk_)")
    String id;

    @Override
    public Integer call() throws Exception {
      boolean revoked = keys.withStore(store -> store.revoke(id));
      System.out.println(revoked ? "revoked " + id : "no unrevoked key with id " + id);
      return revoked ? 0 : 1;
    }
  }
}
