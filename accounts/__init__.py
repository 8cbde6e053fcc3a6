"""Accounts: sign-up with e-mail, verification, password reset and change, the account page,
the learner's data export and account deletion."""
