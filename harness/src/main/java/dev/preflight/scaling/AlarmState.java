package dev.preflight.scaling;

/** CloudWatch's alarm states. Target tracking scales on ALARM only, never on INSUFFICIENT_DATA. */
public enum AlarmState { OK, ALARM, INSUFFICIENT_DATA }
