module.exports = require('../../tools/build/app.webpack.js')('permissions-service');
