"""allauth's strings that our pages show (log in, password reset and change, log out),
in our catalogue so that they speak as the platform does: "tu" in Catalan and Spanish
(allauth's own Catalan says "vós" and sometimes "vostè"). Our catalogue comes first
(LOCALE_PATHS). Nothing imports this module: it is here for makemessages."""

from django.utils.translation import gettext_noop

ALLAUTH_STRINGS = [
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("Please type your current password."),
    gettext_noop("Incorrect password."),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("The email address is not assigned to any user account."),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Remember Me"),
    gettext_noop("Forgot your password?"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Password Reset"),
    gettext_noop("Change Password"),
    gettext_noop("Set Password"),
    gettext_noop("Reset My Password"),
    gettext_noop("Sign Out"),
    gettext_noop("Are you sure you want to sign out?"),
    gettext_noop("Password successfully changed."),
    gettext_noop("Password successfully set."),
    gettext_noop("Your password is now changed."),
    gettext_noop("Bad Token"),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an "
        "email allowing you to reset it."
    ),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam "
        "folder. Otherwise contact us if you do not receive it in a few minutes."
    ),
    gettext_noop(
        "The password reset link was invalid, possibly because it has already been used.  "
        'Please request a <a href="%(passwd_reset_url)s">new password reset</a>.'
    ),
]
