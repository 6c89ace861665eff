// Bootstrap trimmed to the classes Jejaring's pages use: `make css` writes bootstrap.purged.min.css from
// bootstrap.min.css. It reads the templates, our script, and the Python that names classes (form widgets, views).
// Classes Bootstrap's own script adds at run time are kept by the safelist.
module.exports = {
  content: [
    "templates/**/*.html",
    "static/jejaring/*.js",
    "{core,accounts,notifications,audit,casework,referrals,network,learning}/**/*.py",
  ],
  css: ["static/vendor/bootstrap/bootstrap.min.css"],
  output: "static/vendor/bootstrap/bootstrap.purged.min.css",
  safelist: {
    standard: ["show", "showing", "hiding", "collapse", "collapsing", "collapsed", "fade", "active", "disabled", "was-validated", "is-invalid", "is-valid", "dropdown-menu-end", "dropdown-menu-start"],
    greedy: [/data-bs-popper/, /^dropdown/, /^navbar/, /^visually-hidden/],
  },
  fontFace: false,
  keyframes: true,
  variables: false,
};
