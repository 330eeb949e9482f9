package dev.preflight.secrets;

/**
 * The four steps Secrets Manager asks a rotation function to run, in this order, each under the
 * rotation's ClientRequestToken (the new version's id).
 */
public enum RotationStep {
    /** A new version with a new password, labelled AWSPENDING. */
    CREATE_SECRET("createSecret"),
    /** The database is given the pending credential. */
    SET_SECRET("setSecret"),
    /** A login with the pending credential. */
    TEST_SECRET("testSecret"),
    /** AWSCURRENT moves to the new version; the old one becomes AWSPREVIOUS. */
    FINISH_SECRET("finishSecret");

    private final String awsName;

    RotationStep(String awsName) {
        this.awsName = awsName;
    }

    /** The step's name in the rotation function's event: createSecret, setSecret, testSecret, finishSecret. */
    public String awsName() {
        return awsName;
    }

    @Override
    public String toString() {
        return awsName;
    }
}
