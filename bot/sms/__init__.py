"""SMS: a thin channel over 46elks (or another gateway behind `gateway.SmsGateway`) on the same core."""
