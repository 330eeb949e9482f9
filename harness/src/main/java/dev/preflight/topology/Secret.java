package dev.preflight.topology;

/**
 * A Secrets Manager secret. Either the credentials of an RDS instance ({@code database}: a JSON
 * string in RDS's format with username, password, engine, host, port, dbname) or a generated random
 * string ({@code generate}).
 */
public record Secret(String description, String database, Generate generate) {
    public Secret {
        description = description == null ? "" : description;
    }

    public record Generate(Integer length) {
        public Generate {
            length = length == null ? 32 : length;
        }
    }
}
