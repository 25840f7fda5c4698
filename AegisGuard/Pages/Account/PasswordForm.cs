using AegisGuard.Identity.Users;
using AegisGuard.Storage.Metadata;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace AegisGuard.Pages.Account;

/// <summary>
/// The password-change form of the password and profile pages: the new password typed twice, then the rule of
/// <see cref="UserService.CheckOwnPasswordChange"/>. Errors land in ModelState under the form's field names
/// (<c>CurrentPassword</c>, <c>NewPassword</c>, <c>ConfirmPassword</c>), next to their fields.
/// </summary>
public static class PasswordForm
{
    /// <summary>True when the change may go ahead; otherwise the reasons are in <paramref name="modelState"/>.</summary>
    public static bool Check(ModelStateDictionary modelState, UserService users, UserRow user, string? current, string? next, string? confirm)
    {
        ArgumentNullException.ThrowIfNull(modelState);
        ArgumentNullException.ThrowIfNull(users);
        if (string.IsNullOrEmpty(current))
        {
            modelState.AddModelError("CurrentPassword", "Enter your current password.");
        }

        if (string.IsNullOrEmpty(next))
        {
            modelState.AddModelError("NewPassword", "Choose a new password.");
        }
        else if (next != confirm)
        {
            modelState.AddModelError("ConfirmPassword", "The two new passwords do not match.");
        }

        if (!modelState.IsValid)
        {
            return false;
        }

        if (users.CheckOwnPasswordChange(user, current, next) is { } refusal)
        {
            string field = refusal.Field == "current_password" ? "CurrentPassword" : "NewPassword";
            string label = field == "CurrentPassword" ? "The current password" : "The new password";
            modelState.AddModelError(field, $"{label} {refusal.Reason}.");
            return false;
        }

        return true;
    }
}
